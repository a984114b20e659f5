import type { ParseArgsConfig } from 'node:util';

/** Where a command writes and what it may read from its environment (injected for tests). */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** What a command receives: its parsed options and positionals, and the I/O. */
export interface CommandContext<V = Record<string, string | boolean | undefined>> {
  values: V;
  positionals: string[];
  io: CliIo;
}

/** One CLI command; later issues add `dataset`, `train`, `eval`, `compress`, `export` as files. */
export interface CliCommand {
  name: string;
  /** One line for the command list in `--help`. */
  summary: string;
  /** The usage line(s) and option descriptions shown by `model-studio help <command>`. */
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /** Exact number of positionals, or [min, max]. */
  positionals: number | [number, number];
  /** Runs the command and resolves to the exit code (0 ok). Throw UsageError for bad usage. */
  run(ctx: CommandContext): Promise<number>;
}

/** Bad usage: exit code 2 and a hint to `--help`. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Exit codes shared by every command. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;
