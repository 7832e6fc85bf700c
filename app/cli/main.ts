// `npm run joren -- <command>`: the operator's interface. Machine-readable output goes to
// stdout (JSON where asked), logs and progress to stderr.
import { parseArgs } from "node:util";
import { COMMANDS, type Command } from "./commands";

function usage(): string {
  const lines = Object.values(COMMANDS).map((c: Command) => `  ${c.usage.padEnd(58)} ${c.summary}`);
  return `Usage: npm run joren -- <command> [options]\n\nCommands:\n${lines.join("\n")}\n\nEvery command takes --help.`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    process.stderr.write(usage() + "\n");
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`Unknown command "${name}".\n\n${usage()}\n`);
    return 2;
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      options: { ...command.options, help: { type: "boolean" } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\nUsage: npm run joren -- ${command.usage}\n`);
    return 2;
  }
  if (parsed.values.help) {
    process.stderr.write(`Usage: npm run joren -- ${command.usage}\n\n${command.summary}\n${command.help ?? ""}\n`);
    return 0;
  }
  try {
    return await command.run(
      parsed.values as Record<string, string | boolean | string[] | undefined>,
      parsed.positionals,
    );
  } catch (error) {
    process.stderr.write(`joren ${name}: ${(error as Error).message}\n`);
    return 1;
  }
}

const isEntry = process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, "/").split("/").pop() ?? "");
if (isEntry) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      process.stderr.write(`${(error as Error).stack}\n`);
      process.exit(1);
    },
  );
}
