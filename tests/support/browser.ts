/**
 * Browser-test support: the real server as a child process, the real command line, and
 * Debian's Chromium driven by playwright-core.
 *
 * Chromium comes from `apt-get install -y --no-install-recommends chromium` (.ci/run does it).
 * Without it a browser test skips locally and fails in CI (CI=true), so CI can never go green
 * by silently skipping.
 */
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { PGLITE_OPTIONS } from "../../src/adapters/db/pglite-host.ts";
import { migratedTemplate } from "./test-db.ts";

/** Debian's Chromium; CHROMIUM_PATH overrides it (e.g. to check the skip and CI messages). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

/** The flags that work on this kind of machine (see /work/shared/STACK-NOTES.md, Browser tests). */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const root = join(import.meta.dir, "..", "..");

/**
 * Whether browser tests can run here. Missing Chromium in CI throws: a skipped browser
 * suite must never pass for a green build.
 */
export function browserTestsEnabled(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  if (process.env.CI) {
    throw new Error(
      `Browser tests need ${CHROMIUM_PATH} and CI is set: install it with "apt-get install -y --no-install-recommends chromium" (.ci/run does this).`,
    );
  }
  console.warn(
    `Skipping browser tests: ${CHROMIUM_PATH} is missing. "apt-get install -y --no-install-recommends chromium" enables them.`,
  );
  return false;
}

export interface LaunchedBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Starts headless Chromium on a fresh, throw-away profile (its own user-data dir, removed on
 * close). Playwright only takes a user-data dir through launchPersistentContext, so that is
 * what this uses. `viewport` defaults to a desktop width; tests resize pages as they need.
 */
export async function launchChromium(
  options: { viewport?: { width: number; height: number } } = {},
): Promise<LaunchedBrowser> {
  const profile = mkdtempSync(join(tmpdir(), "sb-chromium-"));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      timeout: 20_000,
      viewport: options.viewport ?? { width: 1280, height: 800 },
      locale: "en-GB",
      timezoneId: "Europe/London",
    });
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
  return {
    context,
    async close() {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Notes in `problems` what would go wrong unseen on a page: uncaught errors, and resources the CSP blocked. */
export function watchForPageProblems(page: Page, problems: string[]): void {
  page.on("pageerror", (error) => problems.push(`uncaught: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error" && /Content Security Policy|Refused to/i.test(message.text()))
      problems.push(message.text());
  });
}

/**
 * Logs staff in through the login form, as a person does: on the login page the browser is
 * showing (after a redirect to it), else on /login. Throws with what the page said when the
 * form did not let them in, so later steps fail pointing at the real cause.
 * @example await logInThroughForm(page, server.url, EMAIL, PASSWORD);
 */
export async function logInThroughForm(page: Page, baseUrl: string, email: string, password: string): Promise<void> {
  if (!page.url().startsWith(`${baseUrl}/login`)) await page.goto(`${baseUrl}/login`);
  await page.fill("#email", email);
  await page.fill("#password", password);
  await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")]);
  if (new URL(page.url()).pathname === "/login") {
    const said = (await page.locator("main").innerText()).replace(/\s+/g, " ").trim();
    throw new Error(`logging in left the browser on ${page.url()}, saying: ${said}`);
  }
}

/**
 * Puts an already-migrated PGlite database in `${dataDir}/pglite`, so the server and the
 * command line open an existing folder (a second or two) instead of initialising a new one
 * (15–20 s on a busy 2-core machine). The folder is made once from the template the repository
 * tests use, kept in the temp folder keyed by that template's bytes, and copied per run.
 * First-run start-up on an empty folder is covered by tests/startup.test.ts.
 */
export async function seedPgliteDataDir(dataDir: string): Promise<void> {
  const template = new Uint8Array(await (await migratedTemplate()).arrayBuffer());
  const key = createHash("sha256").update(template).digest("hex").slice(0, 16);
  const cached = join(tmpdir(), `switchboard-pglite-folder-${key}`);
  if (!existsSync(cached)) {
    const partial = `${cached}.${process.pid}.partial`;
    const pg = await PGlite.create(partial, { ...PGLITE_OPTIONS, loadDataDir: new Blob([template]) });
    await pg.close();
    try {
      renameSync(partial, cached);
    } catch {
      rmSync(partial, { recursive: true, force: true }); // another run made it first
    }
  }
  cpSync(cached, join(dataDir, "pglite"), { recursive: true });
}

/** The environment the child processes get: nothing inherited but PATH and HOME. */
function childEnv(env: Record<string, string>): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "",
    NODE_ENV: "production",
    LOG_LEVEL: "info",
    ...env,
  };
}

/** `bun src/cli.ts ...args` as an operator would run it; resolves with its exit code and output. */
export async function runCli(args: string[], env: Record<string, string>, timeoutMs = 30_000) {
  const child = Bun.spawn([process.execPath, "src/cli.ts", ...args], {
    cwd: root,
    env: childEnv({ LOG_LEVEL: "warn", ...env }),
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  const [stdout, stderr, code] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  clearTimeout(timer);
  return { code, stdout, stderr };
}

export interface RunningServer {
  /** http://127.0.0.1:PORT */
  url: string;
  port: number;
  /** The process id (to read its memory from /proc). */
  pid: number;
  /** Everything the server has written so far (stdout and stderr). */
  output(): string;
  /** null while it runs; its exit code once it has ended (by stop() or by itself). */
  exitCode(): number | null;
  /** Sends the process a signal (SIGTERM to drain and stop, SIGKILL to die as a lost machine would). */
  kill(signal: "SIGTERM" | "SIGKILL"): void;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number>;
  stop(): Promise<void>;
}

/**
 * Starts `bun src/main.ts` on PORT=0, bound to 127.0.0.1, and waits for
 * "Switchboard is running at http://localhost:PORT" on its stdout.
 */
export async function startServer(env: Record<string, string>, timeoutMs = 30_000): Promise<RunningServer> {
  const child = Bun.spawn([process.execPath, "src/main.ts"], {
    cwd: root,
    // No drain pause after SIGTERM unless a test asks for one: stop() should be quick.
    env: childEnv({ PORT: "0", HOST: "127.0.0.1", SHUTDOWN_DRAIN_SECONDS: "0", ...env }),
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  let text = "";
  let resolvePort: (port: number) => void = () => {};
  const portSeen = new Promise<number>((resolve) => (resolvePort = resolve));
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) {
      text += decoder.decode(chunk, { stream: true });
      const match = text.match(/Switchboard is running at http:\/\/localhost:(\d+)/);
      if (match) resolvePort(Number(match[1]));
    }
  };
  // Keep draining both pipes for the whole run, so a chatty server never blocks on a full pipe.
  void pump(child.stdout);
  void pump(child.stderr);

  let timer: ReturnType<typeof setTimeout> | undefined;
  const port = await Promise.race([
    portSeen,
    child.exited.then((code) => {
      throw new Error(`the server exited (code ${code}) before it was ready:\n${text}`);
    }),
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`the server was not ready within ${timeoutMs} ms:\n${text}`)),
        timeoutMs,
      );
    }),
  ]).catch(async (error) => {
    child.kill("SIGKILL");
    await child.exited;
    throw error;
  });
  clearTimeout(timer);

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    pid: child.pid,
    output: () => text,
    exitCode: () => child.exitCode,
    kill: (signal) => child.kill(signal),
    exited: child.exited,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      const stopped = await Promise.race([child.exited.then(() => true), Bun.sleep(5_000).then(() => false)]);
      if (!stopped) {
        child.kill("SIGKILL");
        await child.exited;
      }
    },
  };
}

/** A logged-in staff member's browser on the real server, over a fresh embedded-default data folder. */
export interface BrowserWorld {
  dataDir: string;
  env: Record<string, string>;
  server: RunningServer;
  chrome: LaunchedBrowser;
  page: Page;
  screenshots: string;
  /** Stops the browser and the server and removes the data folder (saying where the screenshots are). */
  close(): Promise<void>;
}

/**
 * The set-up most browser tests share: a migrated data folder, the server and Chromium started
 * together, a staff user added through the command line (and the demo data, when asked), one page
 * watched for problems and, unless `logIn` is false, logged in through the form.
 */
export async function startBrowserWorld(options: {
  name: string;
  user: { email: string; password: string; role?: "admin" | "staff" };
  pageProblems: string[];
  seedDemo?: boolean;
  logIn?: boolean;
  viewport?: { width: number; height: number };
  pageTimeoutMs?: number;
}): Promise<BrowserWorld> {
  const dataDir = mkdtempSync(join(tmpdir(), `sb-browser-${options.name}-`));
  const screenshots = process.env.SCREENSHOT_DIR ?? mkdtempSync(join(tmpdir(), `sb-screens-${options.name}-`));
  mkdirSync(screenshots, { recursive: true });
  const env = { DATA_DIR: dataDir, COMPANY_NAME: "Handy Services" };
  await seedPgliteDataDir(dataDir);
  const [server, chrome] = await Promise.all([startServer(env), launchChromium({ viewport: options.viewport })]);
  const { email, password, role } = options.user;
  const added = await runCli(["user", "add", email, "--password", password, ...(role ? ["--role", role] : [])], env);
  if (added.code !== 0) throw new Error(`user add failed (${added.code}):\n${added.stdout}${added.stderr}`);
  if (options.seedDemo) {
    // The demo's week of visits is a few thousand writes: slow on a loaded 2-core machine.
    const seeded = await runCli(["seed-demo"], env, 60_000);
    if (seeded.code !== 0) throw new Error(`seed-demo failed (${seeded.code}):\n${seeded.stdout}${seeded.stderr}`);
  }
  const page = await chrome.context.newPage();
  page.setDefaultTimeout(options.pageTimeoutMs ?? 8_000);
  watchForPageProblems(page, options.pageProblems);
  if (options.logIn !== false) await logInThroughForm(page, server.url, email, password);
  return {
    dataDir,
    env,
    server,
    chrome,
    page,
    screenshots,
    async close() {
      if (server.exitCode() !== null) console.error(`The server ended by itself:\n${server.output().slice(-4000)}`);
      await chrome.close();
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
      console.log(`${options.name} screenshots: ${screenshots}`);
    },
  };
}
