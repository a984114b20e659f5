/**
 * Runs one of our Node scripts (resources/tfjs/verify-export.mjs, the baselines' child) in its
 * own process and hands back what it printed, and each piece of its output as it comes. From the CLI and the web host that is a child of this Node; in the
 * desktop app the shell installs a runner on Electron's utilityProcess, since the packaged app
 * turns the RunAsNode fuse off (Electron cannot be started as plain Node there).
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

export interface ScriptResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `script` with `args`; resolves when it exits (rejects only when it cannot start); `onStdout` hears the output as it comes. */
export type NodeScriptRunner = (script: string, args: string[], signal?: AbortSignal, onStdout?: (chunk: string) => void) => Promise<ScriptResult>;

/** How Node starts a script: a TypeScript source (tests, the web host from sources) through tsx. */
function nodeArgs(script: string): string[] {
  if (!script.endsWith('.ts')) return [script];
  return ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href, script];
}

/**
 * A child process of this Node (`process.execPath`). Cancel kills it, and the promise settles
 * only once it has exited, so whatever it was writing is closed before the caller cleans up.
 */
export const spawnNodeScript: NodeScriptRunner = (script, args, signal, onStdout) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const child = spawn(process.execPath, [...nodeArgs(script), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    // Decoded as a stream: a character split between two chunks stays whole.
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (text: string) => {
      stdout += text;
      onStdout?.(text);
    });
    child.stderr.on('data', (text: string) => (stderr += text));
    const onAbort = () => child.kill();
    signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (err) => {
      signal?.removeEventListener('abort', onAbort);
      reject(err);
    });
    child.on('close', (code) => {
      signal?.removeEventListener('abort', onAbort);
      if (signal?.aborted) reject(signal.reason);
      else resolve({ code, stdout, stderr });
    });
  });

let runner: NodeScriptRunner = spawnNodeScript;

/** Replaces how scripts run (the Electron shell calls this once at start). */
export function useNodeScriptRunner(next: NodeScriptRunner): void {
  runner = next;
}

/** Runs a script the way this process was set up to. */
export function runNodeScript(script: string, args: string[], signal?: AbortSignal, onStdout?: (chunk: string) => void): Promise<ScriptResult> {
  return runner(script, args, signal, onStdout);
}
