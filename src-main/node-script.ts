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

/** A child process of this Node (`process.execPath`). */
export const spawnNodeScript: NodeScriptRunner = (script, args, signal, onStdout) =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs(script), ...args], { stdio: ['ignore', 'pipe', 'pipe'], ...(signal ? { signal } : {}) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      const text = d.toString();
      stdout += text;
      onStdout?.(text);
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
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
