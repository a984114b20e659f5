import { readdir, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { StudioError } from '../../../src-shared/errors';
import { EXPORT_META_FILE, EXPORTS_DIR } from '../../exports/export-files';
import { readJsonFile } from '../../services/json-file';
import { ExportMeta } from '../../../src-shared/exports/export-meta';
import { chooseExports, parseExportChoice, type ToServe } from '../../serve/model-repository';
import { loadServedModel, type ServedModel } from '../../serve/served-model';
import { isLoopback, SERVE_DEFAULTS, startServer } from '../../serve/server';
import { tritonModelName } from '../../exports/triton';
import { appVersion } from '../app-env';
import { CLI_CLIENT, withCliProject } from '../cli-project';
import { EXIT, UsageError, type CliCommand, type CommandContext } from '../command';
import { intOption } from './train';
import { say } from '../../../src-shared/messages/message';

type Values = CommandContext['values'];
const str = (v: Values[string] | string[]): string | undefined => (typeof v === 'string' ? v : undefined);

/** The exports to serve: the folder itself when it is one, else the project's. */
async function exportsToServe(io: CommandContext['io'], target: string, choices: string[]): Promise<ToServe[]> {
  const dir = resolve(io.cwd, target);
  const isExport = await stat(join(dir, EXPORT_META_FILE)).then((s) => s.isFile()).catch(() => false);
  if (isExport) {
    if (choices.length) throw new UsageError('--export picks exports of a project; this is one export folder already.');
    const meta = await readJsonFile(join(dir, EXPORT_META_FILE), ExportMeta, say('files.exportIn', { dir }));
    if (meta.status !== 'verified') throw new StudioError('BAD_REQUEST', `The export in ${dir} failed its verification; it is not served.`);
    // A project's own exports/<id> is read as everything in a project is: through no link.
    const project = dirname(dirname(dir));
    const inProject = basename(dirname(dir)) === EXPORTS_DIR && (await readdir(project).catch(() => [])).some((f) => f.endsWith('.mstudio'));
    return [{ dir, name: tritonModelName(meta.name), ...(inProject ? { projectDir: project } : {}) }];
  }
  const parsed = choices.map(parseExportChoice);
  // The project is open only while its list is read: serving needs no lock, the app may have it open.
  return withCliProject(io, target, async ({ studio, view }) => {
    const list = await studio.exports.list(CLI_CLIENT);
    return chooseExports(view.dir, list, parsed);
  });
}

async function run({ values, positionals, io }: CommandContext): Promise<number> {
  const host = str(values.host) ?? SERVE_DEFAULTS.host;
  const token = str(values.token) ?? io.env.MODEL_STUDIO_SERVE_TOKEN ?? null;
  if (!isLoopback(host) && !token) throw new UsageError(`--host ${host} is reachable from other machines: give --token <secret> (or MODEL_STUDIO_SERVE_TOKEN), which clients send as "Authorization: Bearer <secret>".`);
  if (token !== null && token.length < 16) throw new UsageError('--token must be at least 16 characters.');
  const options = {
    host,
    port: intOption(values, 'port', 0, 65_535) ?? SERVE_DEFAULTS.port,
    token,
    maxBatch: intOption(values, 'max-batch', 1, 4096) ?? SERVE_DEFAULTS.maxBatch,
    maxDelayMs: intOption(values, 'max-delay-ms', 0, 1000) ?? SERVE_DEFAULTS.maxDelayMs,
    maxQueue: intOption(values, 'max-queue', 1, 1_000_000) ?? SERVE_DEFAULTS.maxQueue,
    maxBodyBytes: (intOption(values, 'max-body-mb', 1, 1024) ?? SERVE_DEFAULTS.maxBodyBytes / 2 ** 20) * 2 ** 20,
    requestTimeoutMs: intOption(values, 'request-timeout-ms', 100, 600_000) ?? SERVE_DEFAULTS.requestTimeoutMs,
    answerTimeoutMs: intOption(values, 'answer-timeout-ms', 100, 600_000) ?? SERVE_DEFAULTS.answerTimeoutMs,
    appVersion: appVersion(),
    log: (line: string) => io.stdout(`${line}\n`),
  };
  const threads = intOption(values, 'threads', 1, 256) ?? Math.min(4, availableParallelism());
  const chosen = await exportsToServe(io, positionals[0]!, (values.export as unknown as string[] | undefined) ?? []);
  const models: ServedModel[] = [];
  try {
    for (const c of chosen) models.push(await loadServedModel(c.dir, c.name, { threads, ...(c.projectDir ? { projectDir: c.projectDir } : {}) }));
  } catch (err) {
    for (const m of models) await m.close();
    throw err;
  }
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer(models, options);
  } catch (err) {
    for (const m of models) await m.close();
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') throw new StudioError('BAD_REQUEST', `Port ${options.port} on ${host} is in use: give another with --port.`);
    if (e.code === 'EADDRNOTAVAIL') throw new StudioError('BAD_REQUEST', `${host} is not an address of this machine.`);
    throw err;
  }
  io.stderr(`Serving ${models.length} model${models.length === 1 ? '' : 's'} at ${server.url} (batches up to ${options.maxBatch}, ${options.maxDelayMs} ms wait; ${threads} onnxruntime thread${threads === 1 ? '' : 's'}${token ? '; token required' : ''}):\n`);
  for (const m of models) io.stderr(`  ${m.name}  ${m.meta.format} ${m.meta.precision}, ${m.meta.id}, input ${m.input.datatype} [${m.input.shape.map((d) => (d < 0 ? 'batch' : d)).join(', ')}]  POST ${server.url}/v2/models/${m.name}/infer\n`);
  io.stderr('Ctrl+C stops (requests in flight finish).\n');
  await new Promise<void>((resolveStop) => {
    const stop = (signal: string) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      io.stderr(`${signal}: stopping…\n`);
      void server.close().then(async () => {
        for (const m of models) await m.close();
        resolveStop();
      });
    };
    const onInt = () => stop('SIGINT');
    const onTerm = () => stop('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
  });
  io.stderr('Stopped.\n');
  return EXIT.ok;
}

/** `model-studio serve`: exports over the Open Inference Protocol v2 (KServe, Triton, Seldon clients). */
export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'Serve exports over HTTP with the Open Inference Protocol v2 (KServe / Triton REST)',
  usage: `model-studio serve <project|export-dir> [--export <id>[=<name>]]... [options]

Serves ONNX exports through onnxruntime-node and TF.js exports through TensorFlow.js (WASM):
a project's verified exports (or those given with --export, each under an optional name), or
the one export folder given (a project's exports/<id>/ or an --out copy).
  GET  /v2/health/live | /v2/health/ready     POST /v2/repository/index
  GET  /v2/models/<name>                      POST /v2/models/<name>/infer     (JSON tensors)
  POST /v2/models/<name>/classify             (an image body, {"text": ...} or {"features": ...}; ?top_k=5)
  GET  /metrics                               (Prometheus)
  --port N               port (default 8000; 0 picks a free one)
  --host ADDR            address (default 127.0.0.1); any other needs --token
  --token T              clients send "Authorization: Bearer T" (at least 16 characters; or
                         MODEL_STUDIO_SERVE_TOKEN); health endpoints stay open
  --max-batch B          dynamic batching: requests that arrive while the model is busy run as
                         one batch of up to B samples (default 64; 1 turns batching off)
  --max-delay-ms D       an idle model waits up to D ms for more requests to batch (default 0)
  --max-queue N          samples that may wait per model; more are answered 503 (default 1024)
  --threads N            onnxruntime threads per model (default min(4, cores))
  --max-body-mb M        largest request body (default 16)
  --request-timeout-ms T a client must send its request within T (default 30000)
  --answer-timeout-ms T  a request not answered within T gets 503 (default 30000)
Access log: one line per request on stdout. Ctrl+C or SIGTERM stops: new requests are refused,
those in flight finish.`,
  options: {
    export: { type: 'string', multiple: true },
    port: { type: 'string' },
    host: { type: 'string' },
    token: { type: 'string' },
    'max-batch': { type: 'string' },
    'max-delay-ms': { type: 'string' },
    'max-queue': { type: 'string' },
    threads: { type: 'string' },
    'max-body-mb': { type: 'string' },
    'request-timeout-ms': { type: 'string' },
    'answer-timeout-ms': { type: 'string' },
  },
  positionals: 1,
  run,
};
