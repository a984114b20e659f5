/**
 * The `model-studio` command line: parses arguments, runs one command from the command table,
 * and maps the outcome to exit codes (0 ok, 1 failure, 2 bad usage).
 */
import { parseArgs } from 'node:util';
import { StudioError } from '../../src-shared/errors';
import { appVersion } from './app-env';
import { EXIT, UsageError, type CliCommand, type CliIo } from './command';
import { COMMANDS } from './commands/index';

const PROGRAM = 'model-studio';

function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  const list = COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`).join('\n');
  return `Model Studio ${appVersion()}: work with Model Studio projects from the command line.

Usage: ${PROGRAM} <command> [options]

Commands:
${list}
  ${'help'.padEnd(width)}Show help for a command: ${PROGRAM} help <command>

Options:
  -h, --help     Show this help
  -v, --version  Print the version

Exit codes: 0 success, 1 failure (reason on stderr), 2 bad usage.
`;
}

/** One line, so scripts can show or log the reason as is. */
function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

function findCommand(name: string): CliCommand | undefined {
  return COMMANDS.find((c) => c.name === name);
}

function checkPositionals(command: CliCommand, count: number): void {
  const [min, max] = typeof command.positionals === 'number' ? [command.positionals, command.positionals] : command.positionals;
  if (count < min) throw new UsageError(`${command.name} needs ${min === max ? min : `at least ${min}`} argument${min === 1 ? '' : 's'}: ${command.usage.split('\n', 1)[0]}`);
  if (count > max) throw new UsageError(`${command.name} takes at most ${max} argument${max === 1 ? '' : 's'}.`);
}

async function runCommand(command: CliCommand, args: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { ...command.options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (err) {
    const e = err as Error & { code?: string };
    const option = /'([^']+)'/.exec(e.message)?.[1];
    if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) throw new UsageError(`${command.name} has no option "${option}".`);
    throw new UsageError(e.message);
  }
  if (parsed.values.help) {
    io.stdout(`Usage: ${command.usage}\n`);
    return EXIT.ok;
  }
  checkPositionals(command, parsed.positionals.length);
  return command.run({ values: parsed.values, positionals: parsed.positionals, io });
}

async function route(argv: string[], io: CliIo): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) throw new UsageError('no command given.');
  if (first === '--help' || first === '-h') {
    io.stdout(mainHelp());
    return EXIT.ok;
  }
  if (first === '--version' || first === '-v') {
    io.stdout(`${appVersion()}\n`);
    return EXIT.ok;
  }
  if (first === 'help') {
    if (rest.length === 0) {
      io.stdout(mainHelp());
      return EXIT.ok;
    }
    const target = findCommand(rest[0]!);
    if (!target) throw new UsageError(`unknown command "${rest[0]}".`);
    io.stdout(`Usage: ${target.usage}\n`);
    return EXIT.ok;
  }
  if (first.startsWith('-')) throw new UsageError(`unknown option "${first}".`);
  const command = findCommand(first);
  if (!command) throw new UsageError(`unknown command "${first}".`);
  return runCommand(command, rest, io);
}

/** Runs the CLI with `argv` (without node and script) and resolves to the exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  try {
    return await route(argv, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`${PROGRAM}: ${oneLine(err.message)}\nRun '${PROGRAM} --help' for usage.\n`);
      return EXIT.usage;
    }
    const message = err instanceof StudioError || err instanceof Error ? err.message : String(err);
    io.stderr(`${PROGRAM}: ${oneLine(message)}\n`);
    return EXIT.failure;
  }
}
