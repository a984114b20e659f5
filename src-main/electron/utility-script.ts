/**
 * Our Node scripts in Electron's utilityProcess: a Node environment Electron starts itself, so
 * it works with the RunAsNode fuse off (electron-builder.yml) and reads the app's asar.
 */
import { StringDecoder } from 'node:string_decoder';
import type { UtilityProcess } from 'electron';
import type { NodeScriptRunner } from '../node-script';

type Fork = (modulePath: string, args: string[], options: { stdio: 'pipe'; serviceName: string }) => UtilityProcess;

/** Resolves once a stream has ended (or at once when there is none). */
function ended(stream: NodeJS.ReadableStream | null | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (!stream) resolve();
    else {
      stream.once('end', () => resolve());
      stream.once('close', () => resolve());
    }
  });
}

export function utilityScriptRunner(fork: Fork): NodeScriptRunner {
  return (script, args, signal, onStdout) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const child = fork(script, args, { stdio: 'pipe', serviceName: 'Model Studio helper' });
      let stdout = '';
      let stderr = '';
      // Decoded as a stream: a character split between two chunks stays whole.
      const out = new StringDecoder('utf8');
      const err = new StringDecoder('utf8');
      child.stdout?.on('data', (d: Buffer) => {
        const text = out.write(d);
        stdout += text;
        onStdout?.(text);
      });
      child.stderr?.on('data', (d: Buffer) => (stderr += err.write(d)));
      const onAbort = () => child.kill();
      signal?.addEventListener('abort', onAbort, { once: true });
      // 'exit' can come before the last output has arrived: wait for both streams to end too.
      const exited = new Promise<number>((done) => child.once('exit', (code: number) => done(code)));
      void Promise.all([exited, ended(child.stdout), ended(child.stderr)]).then(([code]) => {
        signal?.removeEventListener('abort', onAbort);
        if (signal?.aborted) reject(signal.reason);
        else resolve({ code, stdout, stderr });
      });
    });
}
