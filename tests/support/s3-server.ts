import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The slice of s3rver (untyped CommonJS) these tests use. */
interface S3rverInstance {
  run(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}
type S3rverConstructor = new (options: {
  address: string;
  port: number;
  directory: string;
  silent: boolean;
  configureBuckets: { name: string }[];
}) => S3rverInstance;

export interface TestS3Server {
  /** e.g. "http://127.0.0.1:41234"; use with `forcePathStyle: true`. */
  endpoint: string;
  bucket: string;
  /** Stops listening, keeping the stored objects (an outage); resume() serves them again on the same port. */
  halt(): Promise<void>;
  resume(): Promise<void>;
  /** The folder s3rver stores objects in. */
  directory: string;
  stop(): Promise<void>;
}

/**
 * A real S3 API (s3rver) in this process, on a free loopback port, storing into a fresh temp
 * folder, with one empty bucket. It ignores credentials and signatures but does refuse
 * presigned URLs past their expiry.
 *
 * @example
 * const s3 = await startS3Server();
 * afterAll(() => s3.stop());
 */
export async function startS3Server(bucket = "switchboard-test"): Promise<TestS3Server> {
  awaitObjectWrites();
  const directory = await mkdtemp(join(tmpdir(), "switchboard-s3rver-"));
  const S3rver = require("s3rver") as S3rverConstructor;
  const serve = (port: number) =>
    new S3rver({ address: "127.0.0.1", port, directory, silent: true, configureBuckets: [{ name: bucket }] });
  let server = serve(0);
  const { port } = await server.run();
  let stopped = false;
  let halted = false;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    directory,
    async halt() {
      if (halted || stopped) return;
      halted = true;
      await server.close();
    },
    async resume() {
      if (!halted || stopped) return;
      server = serve(port);
      await server.run();
      halted = false;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      if (!halted) await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

interface FilesystemStorePrototype {
  putObject(object: { bucket: string; key: string }): Promise<{ size: number }>;
  getResourcePath(bucket: string, key: string, kind: "object"): string;
  switchboardAwaitsWrites?: true;
}

/**
 * s3rver answers a PUT when the body has been read, not when its file is written (its write
 * stream opens and flushes later), so under load a HEAD right after a PUT can miss the object.
 * Real S3 reads its own writes; this makes the peer do the same by waiting for the file.
 */
function awaitObjectWrites() {
  const store = (require("s3rver/lib/stores/filesystem") as { prototype: FilesystemStorePrototype }).prototype;
  if (store.switchboardAwaitsWrites) return;
  store.switchboardAwaitsWrites = true;
  const putObject = store.putObject;
  store.putObject = async function (this: FilesystemStorePrototype, object) {
    const written = await putObject.call(this, object);
    const path = this.getResourcePath(object.bucket, object.key, "object");
    for (let waited = 0; waited < 5_000; waited += 5) {
      const size = await stat(path).then(
        (s) => s.size,
        () => -1,
      );
      if (size === written.size) break;
      await Bun.sleep(5);
    }
    return written;
  };
}
