import { randomUUID } from "node:crypto";
import { close as closeFd, fstat as fstatFd, open as openFd, read as readFd, type Stats } from "node:fs";
import { mkdir, open, readFile, rename, rm, stat } from "node:fs/promises";
import { dirname, resolve, sep } from "node:path";
import { blobKeyProblem, type BlobStore, type StoredBlob } from "../../ports/blob-store.ts";
import { createSignedLinks, type LinkCheck } from "./signed-links.ts";

export interface FolderBlobStoreConfig {
  /** Folder that holds the blobs; created on first write. */
  dir: string;
  /** HMAC secret for download links, at least 32 characters. */
  signingSecret: string;
  /** Where the app is reachable, e.g. "https://switchboard.example.co.uk"; links are `${publicBaseUrl}/files/<token>`. */
  publicBaseUrl: string;
  /** Clock for link expiry; tests move it to make expired links. */
  now?: () => number;
}

/** The folder store also checks its own download tokens, for the /files route (src/http/files.ts). */
export interface FolderBlobStore extends BlobStore {
  verifyLink(token: string): LinkCheck;
}

const READ_CHUNK_BYTES = 64 * 1024;
const DEFAULT_CONTENT_TYPE = "application/octet-stream";

/**
 * Blob store in a local folder, for running without S3. Layout under `dir`:
 * `<key>` holds the bytes (so `photos/job-12/boiler.jpg` is a real path), `.meta/<key>.json`
 * the content type, `.tmp/` files being written. Keys always start with a blob prefix, so they
 * can never name `.meta` or `.tmp`. A blob is written to `.tmp/` and renamed into place, so a
 * reader sees the old bytes or the new ones, never half a file.
 *
 * @example
 * const blobs = createFolderBlobStore({ dir: "./data/blobs", signingSecret, publicBaseUrl: "http://localhost:3000" });
 * app.route("/", fileRoutes(blobs, blobs.verifyLink));
 */
export function createFolderBlobStore(config: FolderBlobStoreConfig): FolderBlobStore {
  const root = resolve(config.dir);
  const metaRoot = resolve(root, ".meta");
  const tmpRoot = resolve(root, ".tmp");
  const baseUrl = config.publicBaseUrl.replace(/\/+$/, "");
  const links = createSignedLinks(config.signingSecret, config.now);

  const fail = (action: string, key: string, cause: unknown): Error =>
    new Error(`local folder ${action} "${key}" under ${root} failed: ${describe(cause)}`, { cause });

  /** The file for a key; the key rule already forbids "..", this makes escaping the folder impossible twice over. */
  function pathsFor(key: string): { blob: string; meta: string } {
    const problem = blobKeyProblem(key);
    if (problem) throw new Error(`local folder blob key ${JSON.stringify(key)} refused: it ${problem}`);
    const blob = resolve(root, key);
    const meta = resolve(metaRoot, `${key}.json`);
    if (!blob.startsWith(root + sep) || !meta.startsWith(metaRoot + sep)) {
      throw new Error(`local folder blob key ${JSON.stringify(key)} refused: it resolves outside ${root}`);
    }
    return { blob, meta };
  }

  return {
    kind: "local folder",

    async put(key, body, contentType): Promise<StoredBlob> {
      const paths = pathsFor(key);
      const tmpBlob = resolve(tmpRoot, `${randomUUID()}.blob`);
      const tmpMeta = resolve(tmpRoot, `${randomUUID()}.json`);
      try {
        await mkdir(tmpRoot, { recursive: true, mode: PRIVATE_FOLDER });
        const size = await writeFileFrom(tmpBlob, body);
        await writeFileFrom(tmpMeta, new TextEncoder().encode(JSON.stringify({ contentType })));
        await mkdir(dirname(paths.blob), { recursive: true, mode: PRIVATE_FOLDER });
        await mkdir(dirname(paths.meta), { recursive: true, mode: PRIVATE_FOLDER });
        // Metadata first: once the bytes are visible, their content type already is.
        await rename(tmpMeta, paths.meta);
        await rename(tmpBlob, paths.blob);
        return { key, size, contentType };
      } catch (error) {
        await Promise.all([rm(tmpBlob, { force: true }), rm(tmpMeta, { force: true })]);
        throw fail("put", key, error);
      }
    },

    async get(key) {
      const paths = pathsFor(key);
      try {
        const info = await stat(paths.blob);
        if (!info.isFile()) return null;
        const contentType = await readContentType(paths.meta);
        return { body: fileStream(paths.blob, info), size: info.size, contentType };
      } catch (error) {
        if (isMissing(error)) return null;
        throw fail("get", key, error);
      }
    },

    async delete(key) {
      const paths = pathsFor(key);
      try {
        await rm(paths.blob, { force: true });
        await rm(paths.meta, { force: true });
      } catch (error) {
        throw fail("delete", key, error);
      }
    },

    async exists(key) {
      const paths = pathsFor(key);
      try {
        return (await stat(paths.blob)).isFile();
      } catch (error) {
        if (isMissing(error)) return false;
        throw fail("exists", key, error);
      }
    },

    async downloadUrl(key, expiresInSeconds) {
      pathsFor(key);
      return `${baseUrl}/files/${links.sign(key, expiresInSeconds)}`;
    },

    async check() {
      const probe = resolve(tmpRoot, `check-${randomUUID()}`);
      try {
        await mkdir(tmpRoot, { recursive: true, mode: PRIVATE_FOLDER });
        await writeFileFrom(probe, new Uint8Array([1]));
        await rm(probe);
        return { ok: true };
      } catch (error) {
        return { ok: false, error: `local folder: cannot write to ${root}: ${describe(error)}` };
      }
    },

    verifyLink: (token) => links.verify(token),
  };
}

/** Stored files are the customers' photos, recordings and documents: only this process's user reads them. */
const PRIVATE_FILE = 0o600;
const PRIVATE_FOLDER = 0o700;

/** Writes the body to a new file (failing if it exists), flushed to disk; returns the byte count. */
async function writeFileFrom(path: string, body: Uint8Array | ReadableStream<Uint8Array>): Promise<number> {
  const handle = await open(path, "wx", PRIVATE_FILE);
  try {
    let size = 0;
    const write = async (chunk: Uint8Array) => {
      for (let offset = 0; offset < chunk.byteLength; ) {
        const { bytesWritten } = await handle.write(chunk, offset, chunk.byteLength - offset);
        offset += bytesWritten;
      }
      size += chunk.byteLength;
    };
    if (body instanceof Uint8Array) {
      await write(body);
    } else {
      const reader = body.getReader();
      try {
        for (let next = await reader.read(); !next.done; next = await reader.read()) await write(next.value);
      } catch (error) {
        // If the disk failed rather than the stream, tell the producer to stop. A failure to cancel
        // is dropped on purpose: the write error is the one to report.
        await reader.cancel(error).catch((cancelError: unknown) => cancelError);
        throw error;
      }
    }
    // Without this, a crash soon after the rename can leave an empty file under the final name.
    await handle.datasync();
    return size;
  } finally {
    await handle.close();
  }
}

async function readContentType(metaPath: string): Promise<string> {
  try {
    const meta: unknown = JSON.parse(await readFile(metaPath, "utf8"));
    const contentType = (meta as { contentType?: unknown } | null)?.contentType;
    return typeof contentType === "string" ? contentType : DEFAULT_CONTENT_TYPE;
  } catch (error) {
    // Bytes copied into the folder by hand have no sidecar; serve them as plain bytes.
    if (isMissing(error)) return DEFAULT_CONTENT_TYPE;
    throw error;
  }
}

/**
 * Streams a blob file. The file is opened on the first read, so a body nobody reads holds no
 * descriptor, and closed at the end, on error or on cancel. Blobs are only ever replaced by
 * rename, so the same inode means the same bytes as when `get` looked; a different one means
 * the blob was replaced or deleted in between, and the stream fails rather than mix versions.
 * Plain descriptors rather than FileHandles: Bun treats a FileHandle collected unclosed as a
 * fatal error, and a body abandoned half-read must not take the process down.
 */
function fileStream(path: string, expected: { ino: number; dev: number }): ReadableStream<Uint8Array> {
  let fd: number | null = null;
  let position = 0;
  const close = async () => {
    if (fd === null) return;
    const open = fd;
    fd = null;
    await fs.close(open);
  };
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          if (fd === null) {
            fd = await fs.open(path, "r");
            const info = await fs.fstat(fd);
            if (info.ino !== expected.ino || info.dev !== expected.dev) {
              throw new Error(`${path} was replaced or deleted while being read`);
            }
          }
          const buffer = new Uint8Array(READ_CHUNK_BYTES);
          const bytesRead = await fs.read(fd, buffer, position);
          if (bytesRead === 0) {
            await close();
            controller.close();
            return;
          }
          position += bytesRead;
          controller.enqueue(buffer.subarray(0, bytesRead));
        } catch (error) {
          controller.error(error);
          await close();
        }
      },
      cancel: () => close(),
    },
    // Nothing is read ahead: without this, the stream pulls (and opens the file) as soon as it exists.
    { highWaterMark: 0 },
  );
}

/** The callback-style descriptor calls this file needs, as promises. */
const fs = {
  open: (path: string, flags: string) =>
    new Promise<number>((done, failed) => openFd(path, flags, (e, fd) => (e ? failed(e) : done(fd)))),
  fstat: (fd: number) => new Promise<Stats>((done, failed) => fstatFd(fd, (e, info) => (e ? failed(e) : done(info)))),
  read: (fd: number, buffer: Uint8Array, position: number) =>
    new Promise<number>((done, failed) =>
      readFd(fd, buffer, 0, buffer.byteLength, position, (e, bytesRead) => (e ? failed(e) : done(bytesRead))),
    ),
  close: (fd: number) => new Promise<void>((done, failed) => closeFd(fd, (e) => (e ? failed(e) : done()))),
};

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  // ENOTDIR: a key such as "photos/a/b" when "photos/a" is a file.
  return code === "ENOENT" || code === "ENOTDIR";
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
