/**
 * Try it, on main's side: a person's own input made into a sample the way the dataset's import
 * makes one (images decoded and resized as the import does, texts through the dataset's
 * tokenizer, feature values as given), for the ML worker to predict and explain with a
 * checkpoint; and an export's predictions for the input from its own runtime, the same path
 * `model-studio serve`'s classify endpoint takes. The last two exports tried stay loaded.
 */
import { join } from 'node:path';
import { StudioError } from '../../src-shared/errors';
import { parseJsonBounded } from '../../src-shared/json-depth';
import type { TryInput, TryPrediction } from '../../src-shared/ipc/try-contract';
import { encodeTexts, tokenize, type Tokenizer } from '../../src-shared/datasets/tokenizer';
import { readDatasetManifest, readTokenizerFile } from '../datasets/dataset-files';
import { EXPORTS_DIR } from '../exports/export-files';
import type { ProjectService } from '../services/project-service';
import { noEntryError, requireEntry, requireProject } from '../services/open-project';
import { classifyInput, topPredictions } from './classify';
import { ProtocolError } from './oip';
import { type ServedModel, TokenizerFile } from './served-model';
import { say } from '../../src-shared/messages/message';

const KEEP_LOADED = 2;

export class TryService {
  private readonly loaded = new Map<string, Promise<ServedModel>>();
  /** Tries running on each loaded export: one evicted meanwhile is released when they end. */
  private readonly busy = new Map<string, number>();
  private readonly evicted = new Set<string>();

  constructor(private readonly deps: { projects: Pick<ProjectService, 'current'> }) {}

  /** The sample bytes (the dataset's dtype) and shape [1, …] for the input, and the tokens of a text. */
  async prepare(clientId: string, datasetId: string, input: TryInput): Promise<{ x: Uint8Array<ArrayBuffer>; shape: number[]; tokens: string[] | null }> {
    const view = requireProject(this.deps.projects, clientId);
    requireEntry(view, 'datasets', datasetId);
    const manifest = await readDatasetManifest(view.dir, datasetId);
    const spec = manifest.input;
    // A copy of its own (a sharp Buffer may share a pool).
    const bytes = (a: ArrayBufferView): Uint8Array<ArrayBuffer> => new Uint8Array(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    if (spec.kind === 'image') {
      if (input.kind !== 'image') throw StudioError.say('BAD_REQUEST', say('errors.try.wantsImage', { dataset: manifest.name }));
      const { decodeImage, ImageSkip } = await import('../datasets/importers/image-decode');
      try {
        const pixels = await decodeImage(input.bytes, { width: spec.width, height: spec.height, color: spec.channels === 1 ? 'grayscale' : 'rgb' });
        return { x: bytes(pixels), shape: [1, spec.height, spec.width, spec.channels], tokens: null };
      } catch (err) {
        if (err instanceof ImageSkip) throw StudioError.say('BAD_REQUEST', say('errors.tryImage', { reason: err.said }));
        throw err;
      }
    }
    if (spec.kind === 'text') {
      if (input.kind !== 'text') throw StudioError.say('BAD_REQUEST', say('errors.try.wantsText', { dataset: manifest.name }));
      const file = await readTokenizerFile(view.dir, manifest);
      if (!file) throw StudioError.say('NOT_FOUND', say('errors.try.noTokenizer', { dataset: manifest.name }));
      const parsed = TokenizerFile.safeParse(parseJsonBounded(file.toString('utf8')));
      if (!parsed.success) throw StudioError.say('IO_ERROR', say('errors.try.badTokenizer', { dataset: manifest.name, reason: parsed.error.issues[0]?.message ?? 'invalid' }));
      const tokenizer: Tokenizer = parsed.data;
      const tokens = tokenize(input.text, tokenizer.type, tokenizer.lowercase).slice(0, spec.seqLength);
      return { x: bytes(encodeTexts(tokenizer, [input.text], spec.seqLength)), shape: [1, spec.seqLength], tokens };
    }
    if (input.kind !== 'tabular') throw StudioError.say('BAD_REQUEST', say('errors.try.wantsFeatures', { dataset: manifest.name }));
    if (input.values.length !== spec.features.length) {
      throw StudioError.say('BAD_REQUEST', say('errors.try.featureCount', { dataset: manifest.name, features: spec.features.length, values: input.values.length }));
    }
    // Missing values travel as NaN, which standardization turns into the training mean.
    return { x: bytes(Float32Array.from(input.values, (v) => v ?? NaN)), shape: [1, spec.features.length], tokens: null };
  }

  /** The export's top-k predictions for the input, and which runtime gave them. */
  async predict(clientId: string, exportId: string, input: TryInput, topK: number): Promise<{ predictions: TryPrediction[]; runtime: string; ms: number }> {
    const view = requireProject(this.deps.projects, clientId);
    if (!view.manifest.exports.some((e) => e.id === exportId)) throw noEntryError('exports', exportId);
    const dir = join(view.dir, EXPORTS_DIR, exportId);
    const model = await this.model(view.dir, exportId);
    const started = performance.now();
    this.busy.set(dir, (this.busy.get(dir) ?? 0) + 1);
    try {
      const body = input.kind === 'image' ? Buffer.from(input.bytes.buffer, input.bytes.byteOffset, input.bytes.byteLength) : Buffer.alloc(0);
      const json = input.kind === 'text' ? { text: input.text } : input.kind === 'tabular' ? { features: input.values } : null;
      const { x } = await classifyInput(model, body, input.kind === 'image' ? 'image/*' : 'application/json', () => json);
      const probs = await model.run(x, 1);
      return { predictions: topPredictions(model, probs, topK), runtime: model.platform === 'onnxruntime' ? 'onnxruntime-node' : 'TensorFlow.js (WASM)', ms: performance.now() - started };
    } catch (err) {
      if (err instanceof ProtocolError) throw err.said ? StudioError.say('BAD_REQUEST', err.said) : new StudioError('BAD_REQUEST', err.message);
      throw err;
    } finally {
      const left = (this.busy.get(dir) ?? 1) - 1;
      if (left > 0) this.busy.set(dir, left);
      else {
        this.busy.delete(dir);
        if (this.evicted.delete(dir)) void model.close().catch(() => undefined);
      }
    }
  }

  private model(projectDir: string, id: string): Promise<ServedModel> {
    const dir = join(projectDir, EXPORTS_DIR, id);
    const known = this.loaded.get(dir);
    if (known) {
      // Most recent last.
      this.loaded.delete(dir);
      this.loaded.set(dir, known);
      return known;
    }
    const loading = import('./served-model').then((m) => m.loadServedModel(dir, id, { threads: 1, projectDir }));
    loading.catch(() => this.loaded.delete(dir));
    this.loaded.set(dir, loading);
    while (this.loaded.size > KEEP_LOADED) {
      const [oldest, model] = this.loaded.entries().next().value as [string, Promise<ServedModel>];
      this.loaded.delete(oldest);
      // In use: released when its last try ends.
      if (this.busy.has(oldest)) this.evicted.add(oldest);
      else void model.then((m) => m.close()).catch(() => undefined);
    }
    return loading;
  }

  /** Releases the loaded exports. */
  async stop(): Promise<void> {
    const all = [...this.loaded.values()];
    this.loaded.clear();
    for (const m of all) await m.then((x) => x.close()).catch(() => undefined);
  }
}
