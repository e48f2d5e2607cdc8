import type { Logger } from "pino";
import type { BlobStore } from "../ports/blob-store.ts";
import type { Repositories } from "../ports/database.ts";
import type { Passwords } from "../ports/passwords.ts";
import type { IntegrationStatus } from "../integrations.ts";
import type { StaffSession } from "../ports/staff.ts";
import type { VerifyFileToken } from "./files.ts";
import type { StaffUser } from "../domain/users.ts";

/** Everything the web app needs from the world, built once in src/main.ts. */
export interface AppDeps {
  repos: Repositories;
  blobStore: BlobStore;
  /** Checks the app's own signed download links; set when blobs live in a local folder. */
  verifyFileLink: VerifyFileToken | null;
  passwords: Passwords;
  logger: Logger;
  now: () => Date;
  randomId: () => string;
  settings: {
    companyName: string;
    publicBaseUrl: string;
    sessionIdleMinutes: number;
    /** Set the Secure flag on cookies (the app is reached over https). */
    secureCookies: boolean;
    /** Login attempts per email and address before a pause. */
    loginAttemptsPerWindow: number;
    loginWindowMinutes: number;
  };
  /** Each integration's state, for the integrations page. */
  integrations: () => Promise<IntegrationStatus[]>;
}

/** What the middleware puts on the request context. */
export type AppEnv = {
  Variables: {
    deps: AppDeps;
    user: StaffUser | null;
    session: StaffSession | null;
    requestId: string;
  };
};
