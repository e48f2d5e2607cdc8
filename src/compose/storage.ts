import { join } from "node:path";
import type { Config } from "../config.ts";
import type { BlobStore, VerifyFileToken } from "../ports/blob-store.ts";
import { createFolderBlobStore } from "../adapters/local/folder-blob-store.ts";
import { createS3BlobStore } from "../adapters/s3/s3-blob-store.ts";
import { LINK_SIGNING_KEY_FILE, localSecret } from "./secrets.ts";
import { s3Keys } from "./vendor-keys.ts";

export interface StorageChoice {
  blobStore: BlobStore;
  /** Checks the app's own signed download links; set only for the local folder (S3 signs its own). */
  verifyFileLink: VerifyFileToken | null;
  /** What runs, for the integrations page: "S3 bucket …" or "Folder …". */
  detail: string;
  /** The vendor behind it, whose failures are counted in the metrics; none for the local folder. */
  vendor?: "s3";
}

/** S3 when its keys and bucket are set; else a folder under DATA_DIR whose download links the app signs. */
export async function chooseBlobStore(config: Config, dataDir: string, publicBaseUrl: string): Promise<StorageChoice> {
  const s3 = s3Keys(config);
  if (s3) {
    return {
      blobStore: createS3BlobStore({ ...s3, region: config.AWS_REGION, endpoint: config.S3_ENDPOINT }),
      verifyFileLink: null,
      detail: `S3 bucket ${s3.bucket}`,
      vendor: "s3",
    };
  }
  const dir = join(dataDir, "blobs");
  const folder = createFolderBlobStore({
    dir,
    signingSecret: await localSecret(dataDir, LINK_SIGNING_KEY_FILE),
    publicBaseUrl,
  });
  return { blobStore: folder, verifyFileLink: folder.verifyLink, detail: `Folder ${dir}` };
}
