/**
 * The installed executable as the CLI: `model-studio <command> …` runs the command in the main
 * process without a window and exits with its code; a project path or nothing opens the app.
 */
import { describe, expect, it, vi } from 'vitest';
import { CLI_COMMAND_NAMES, isCliInvocation } from '../../../src-main/cli/command-names';
import { COMMANDS } from '../../../src-main/cli/commands/index';
import { cliArgsOf, runCliMode } from '../../../src-main/electron/cli-mode';

function fakeApp() {
  return { whenReady: vi.fn(async () => undefined), exit: vi.fn(), getVersion: vi.fn(() => '9.8.7') };
}

describe('the CLI in the desktop executable', () => {
  it('knows every command the CLI has (without loading them)', () => {
    expect([...CLI_COMMAND_NAMES].sort()).toEqual([...COMMANDS.map((c) => c.name), 'help'].sort());
  });

  it('takes a command or --version/--help as the CLI, and a project path or nothing as the app', () => {
    expect(cliArgsOf(['/opt/Model Studio/model-studio', 'train', 'P', '--epochs', '1'], true)).toEqual(['train', 'P', '--epochs', '1']);
    expect(cliArgsOf(['/usr/lib/electron', '.', '--version'], false)).toEqual(['--version']);
    expect(cliArgsOf(['/opt/Model Studio/model-studio', '/home/a/Digits.mstudio'], true)).toBeNull();
    expect(cliArgsOf(['/opt/Model Studio/model-studio'], true)).toBeNull();
    // Chromium's own switches and a file named like a command inside a path are not commands.
    expect(isCliInvocation(['--enable-logging'])).toBe(false);
    expect(isCliInvocation(['./train'])).toBe(false);
  });

  it('prints the version at once, before the app is ready', async () => {
    const app = fakeApp();
    const out: string[] = [];
    await runCliMode(['--version'], { app, stdout: (t) => out.push(t), stderr: () => undefined, drain: async () => void out.push('(drained)'), env: {}, cwd: '/' });
    expect(out).toEqual(['9.8.7\n', '(drained)']);
    expect(app.whenReady).not.toHaveBeenCalled();
    expect(app.exit).toHaveBeenCalledWith(0);
  });

  it('runs a command through the real CLI once the app is ready and exits with its code', async () => {
    const app = fakeApp();
    const err: string[] = [];
    await runCliMode(['info', '/no/such/Project.mstudio'], { app, stdout: () => undefined, stderr: (t) => err.push(t), drain: async () => undefined, env: {}, cwd: '/' });
    expect(app.whenReady).toHaveBeenCalled();
    expect(err.join('')).toMatch(/^model-studio: .*Project\.mstudio/);
    expect(app.exit).toHaveBeenCalledWith(1);
    const usage = fakeApp();
    await runCliMode(['train'], { app: usage, stdout: () => undefined, stderr: () => undefined, drain: async () => undefined, env: {}, cwd: '/' });
    expect(usage.exit).toHaveBeenCalledWith(2);
  });
});
