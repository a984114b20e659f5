/**
 * The CLI's command names and top-level options, without loading the commands: the desktop
 * app's executable reads its command line with them (`model-studio train …` runs the CLI, a
 * project path opens the window). A test keeps this list equal to the command table.
 */
export const CLI_COMMAND_NAMES = ['new', 'info', 'dataset', 'train', 'eval', 'compress', 'export', 'serve', 'baseline', 'help'] as const;
export const CLI_TOP_OPTIONS = ['--version', '-v', '--help', '-h'] as const;

/** Whether a command line (without the executable) is for the CLI. */
export function isCliInvocation(args: readonly string[]): boolean {
  const first = args[0];
  return first !== undefined && ((CLI_COMMAND_NAMES as readonly string[]).includes(first) || (CLI_TOP_OPTIONS as readonly string[]).includes(first));
}
