/**
 * The baselines' own process: `baseline-child <request.json>` fits the models of a BaselineJob
 * into the request's incoming folder and prints one JSON line per event on stdout:
 * `{"progress": f, "model": m, "index": i}` while it works, then `{"meta": …}` or
 * `{"error": {code, message}}`. The fits are long synchronous library calls; in their own
 * process they never hold up the app's main process, and Cancel ends them at once (the process
 * is killed and the incoming folder removed).
 */
import { readFile } from 'node:fs/promises';
import { toErrorData } from '../../src-shared/errors';
import type { BaselineJob } from './baseline-files';
import { fitInThisProcess } from './fit-baselines';

/** What the parent writes to request.json. */
export interface BaselineChildRequest {
  projectDir: string;
  folder: string;
  job: BaselineJob;
}

const say = (line: unknown, done?: () => void) => process.stdout.write(`${JSON.stringify(line)}\n`, done);

async function main(): Promise<void> {
  const req = JSON.parse(await readFile(process.argv[2]!, 'utf8')) as BaselineChildRequest;
  const meta = await fitInThisProcess(req, { onProgress: (progress, model, index) => say({ progress, model, index }) });
  // Exit once the last line is out: a pipe is asynchronous on Windows.
  say({ meta }, () => process.exit(0));
}

main().catch((err: unknown) => say({ error: toErrorData(err) }, () => process.exit(1)));
