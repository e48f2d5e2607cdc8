/**
 * Command line: `npm run cli -- <command>`. Works whether or not a server is running on
 * the same data folder (the database adapter shares an embedded database safely).
 */
import { parseArgs } from "node:util";
import { privateFilesFromNowOn } from "./compose/data-dir.ts";
import { composeDeps } from "./compose/index.ts";
import { parseConfig } from "./config.ts";
import { createLogger } from "./logger.ts";
import { addUserCommand } from "./cli/user-add.ts";
import { addEngineerCommand } from "./cli/engineer-add.ts";
import { setEngineerPhoneCommand } from "./cli/engineer-set-phone.ts";
import { seedDemoCommand } from "./cli/seed-demo.ts";
import { extractCommand } from "./cli/extract.ts";
import { chooseExtractor } from "./compose/extraction.ts";

const USAGE = `Usage:
  npm run cli -- user add EMAIL [--password PASSWORD] [--role admin|staff] [--name NAME]
  npm run cli -- engineer add EMAIL --name NAME --trade plumbing [--trade heating] [--postcode "LS6 2QR"]
                 [--hours 08:00-17:00] [--hours sat=09:00-13:00] [--phone "07700 900123"]
                 [--password PASSWORD]
  npm run cli -- engineer set-phone EMAIL PHONE    (PHONE "" removes it)
  npm run cli -- seed-demo
  npm run --silent cli -- extract FILE      (a transcript: lines start "Caller:" or "Staff:")
  npm run seed:demo`;

async function main(argv: string[]): Promise<number> {
  const [command, sub, ...rest] = argv;
  const parsed = parseConfig(process.env);
  if (!parsed.ok) {
    console.error(parsed.error);
    return 1;
  }
  // Logs go to stderr at warn and above: the command's own output stays readable.
  const logger = createLogger({ level: parsed.config.LOG_LEVEL === "silent" ? "silent" : "warn", pretty: false });

  if (command === "user" && sub === "add") {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: { password: { type: "string" }, role: { type: "string" }, name: { type: "string" } },
    });
    if (positionals.length !== 1) {
      console.error(`user add needs exactly one EMAIL.\n${USAGE}`);
      return 2;
    }
    return withDeps(parsed.config, logger, (deps) => addUserCommand(deps, { email: positionals[0]!, ...values }));
  }
  if (command === "engineer" && sub === "add") {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        name: { type: "string" },
        trade: { type: "string", multiple: true },
        postcode: { type: "string" },
        hours: { type: "string", multiple: true },
        password: { type: "string" },
        phone: { type: "string" },
      },
    });
    if (positionals.length !== 1) {
      console.error(`engineer add needs exactly one EMAIL.\n${USAGE}`);
      return 2;
    }
    const { trade, ...others } = values;
    return withDeps(parsed.config, logger, (deps) =>
      addEngineerCommand(deps, { email: positionals[0]!, trades: trade ?? [], ...others }),
    );
  }
  if (command === "engineer" && sub === "set-phone") {
    if (rest.length !== 2) {
      console.error(`engineer set-phone needs an EMAIL and a PHONE ("" to remove it).\n${USAGE}`);
      return 2;
    }
    return withDeps(parsed.config, logger, (deps) =>
      setEngineerPhoneCommand(deps, { email: rest[0]!, phone: rest[1]! }),
    );
  }
  if (command === "extract") {
    if (!sub || rest.length > 0) {
      console.error(`extract needs exactly one FILE.\n${USAGE}`);
      return 2;
    }
    return extractCommand(
      { file: sub },
      { extractor: chooseExtractor({ openai: parsed.config.OPENAI_API_KEY }, logger) },
    );
  }
  if (command === "seed-demo") return withDeps(parsed.config, logger, (deps) => seedDemoCommand(deps));
  console.error(command ? `Unknown command "${[command, sub].filter(Boolean).join(" ")}".\n${USAGE}` : USAGE);
  return 2;
}

async function withDeps(
  config: Parameters<typeof composeDeps>[0],
  logger: Parameters<typeof composeDeps>[1],
  run: (deps: Awaited<ReturnType<typeof composeDeps>>) => Promise<number>,
): Promise<number> {
  privateFilesFromNowOn();
  let deps: Awaited<ReturnType<typeof composeDeps>>;
  try {
    deps = await composeDeps(config, logger);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 1;
  }
  try {
    return await run(deps);
  } finally {
    await deps.backgroundTasks.stop();
    await deps.repos.close();
  }
}

process.exit(await main(process.argv.slice(2)));
