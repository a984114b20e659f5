/**
 * Try it: a checkpoint or an export on the person's own input. Main makes the input into a
 * sample as the dataset's import would (try:prepare); a checkpoint then runs in the ML worker
 * with its explanation (Grad-CAM or attention maps, explain:try), an export in its own runtime in
 * main (try:export). Inputs come faster than answers while someone draws or types: only the
 * latest request's answer is shown.
 */
import { defineStore } from 'pinia';
import { plain } from '../util/plain';
import { ref } from 'vue';
import type { CheckpointMeta } from '../../src-shared/checkpoints/checkpoint-meta';
import type { DatasetManifest } from '../../src-shared/datasets/schema';
import type { ExportMeta } from '../../src-shared/exports/export-meta';
import type { TryInput, TryPrediction } from '../../src-shared/ipc/try-contract';
import { standardizationOf } from '../../src-engine/data/standardization';
import { topK } from '../../src-shared/models/top-k';
import { useMl, useStudio } from '../bridge';
import type { Said } from '../../src-shared/messages/message';
import { errorData } from './errors';
import type { AttentionLayerMap, GradCamMap } from '../ml/training-protocol';
import { sampleInput } from './evaluation';
import { checkpointArtifacts } from './training-live';

/** What one try gave. */
export interface TryOutcome {
  predictions: TryPrediction[];
  /** Where it ran: the studio's backend, or the export's runtime. */
  runtime: string;
  /** The sample the model saw (image pixels, for the Grad-CAM overlay). */
  pixels: Uint8Array | null;
  /** A text's tokens, in the order of the attention map's positions. */
  tokens: string[] | null;
  gradcam: GradCamMap | null;
  attention: AttentionLayerMap[] | null;
}

export const TOP_K = 5;

export const useTryStore = defineStore('try', () => {
  const studio = useStudio();
  const ml = useMl();
  const busy = ref(false);
  /** Why the last try failed: main's message by key where it has one. */
  const error = ref<Said | null>(null);
  let latest = 0;
  /** The checkpoint whose weights the worker holds for Try it. */
  let inWorker: string | null = null;

  async function prepared(manifest: DatasetManifest, input: TryInput) {
    const s = await studio.call(studio.api.try.prepare({ ...input, datasetId: manifest.id }));
    return { sample: sampleInput(manifest, s.x), tokens: s.tokens, pixels: manifest.input.kind === 'image' ? s.x : null };
  }

  /** Runs one try; null when a newer one started meanwhile (its answer is the one to show) or it failed (error set). */
  async function run(work: () => Promise<TryOutcome>): Promise<TryOutcome | null> {
    const mine = ++latest;
    busy.value = true;
    try {
      const out = await work();
      if (mine !== latest) return null;
      error.value = null;
      return out;
    } catch (err) {
      if (mine === latest) {
        const data = errorData(err);
        error.value = data.said ?? data.message;
      }
      return null;
    } finally {
      if (mine === latest) busy.value = false;
    }
  }

  function onCheckpoint(meta: CheckpointMeta, manifest: DatasetManifest, input: TryInput): Promise<TryOutcome | null> {
    return run(async () => {
      const { sample, tokens, pixels } = await prepared(manifest, input);
      const ask = async (send: boolean) => {
        // Marked at once: requests that follow this one (the worker answers in order) need not carry the weights again.
        if (send) inWorker = meta.id;
        try {
          const artifacts = send ? checkpointArtifacts(await studio.call(studio.api.checkpoint.load({ id: meta.id, optimizer: false }))) : null;
          return await ml.request('explain:try', { checkpointId: meta.id, artifacts, sample, input: plain(meta.spec.input), standardization: plain(standardizationOf(manifest)) }, artifacts ? [artifacts.weightData] : []);
        } catch (err) {
          if (send) inWorker = null;
          throw err;
        }
      };
      // The worker keeps the last checkpoint tried; a new worker (another backend) has none, and says so.
      const r = await ask(inWorker !== meta.id).catch((err: unknown) => (/is not loaded/.test((err as Error).message) ? ask(true) : Promise.reject(err)));
      return { predictions: topK(r.scores, manifest.classNames, TOP_K), runtime: 'studio', pixels, tokens, gradcam: r.gradcam, attention: r.attention };
    });
  }

  function onExport(meta: ExportMeta, input: TryInput): Promise<TryOutcome | null> {
    return run(async () => {
      const r = await studio.call(studio.api.try.export({ ...input, exportId: meta.id, topK: TOP_K }));
      return { predictions: r.predictions, runtime: r.runtime, pixels: null, tokens: null, gradcam: null, attention: null };
    });
  }

  /** Forgets what the last try showed (a new target). */
  function reset(): void {
    latest++;
    busy.value = false;
    error.value = null;
  }

  return { busy, error, onCheckpoint, onExport, reset };
});
