/** The real `model-studio` bin run as a user would, in a work folder with its own data folder. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';

const BIN = resolve('bin/model-studio.js');

/** What a run of the bin printed and how it ended. */
export interface BinResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the bin in `work` (asynchronously, so the test process can hold a lock meanwhile);
 * `onStderr` sees progress as it arrives, to interrupt at the right moment; `onSpawn` gets the
 * child at once (to interrupt it after a while when it prints nothing).
 */
export function runBin(work: string, args: string[], onStderr?: (text: string, child: ChildProcess) => void, onSpawn?: (child: ChildProcess) => void): Promise<BinResult> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: work, env: { ...process.env, MODEL_STUDIO_DATA_DIR: join(work, 'data') } });
    onSpawn?.(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      onStderr?.(stderr, child);
    });
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}
