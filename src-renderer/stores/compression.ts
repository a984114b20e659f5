/**
 * Compressions in the app: the project's compressed checkpoints with their reports, and the one
 * compression that runs at a time. A compression is checked by main first (compression:prepare,
 * the CLI's checks), runs in the ML worker on feeds of the checkpoint's dataset (compress:run,
 * with progress, time left and Cancel), and what it made is stored by main
 * (compression:save), which reads the sizes off the bytes. A cancelled or failed one stores nothing.
 */
import { defineStore } from 'pinia';
import { plain } from '../util/plain';
import { computed, ref, shallowRef } from 'vue';
import type { CheckpointMeta } from '../../src-shared/checkpoints/checkpoint-meta';
import type { CompressionRecipe } from '../../src-shared/compression/recipe';
import type { CompressionReport } from '../../src-shared/compression/report';
import { useMl, useStudio } from '../bridge';
import type { CompressionPhase, CompressionStepRecord } from '../ml/compression-protocol';
import { openDataFeed, studioShardReader, type DataFeed } from '../ml/data-feed';
import { standardizationOf } from '../../src-engine/data/standardization';
import type { BackendChoice } from '../components/runs/run-form';
import { useBackendStore } from './backend';
import { useDatasetsStore } from './datasets';
import { useProjectStore } from './project';
import { checkpointArtifacts } from './training-live';

/** How a compression runs, beside its recipe. */
export interface CompressionOptions {
  /** The new checkpoint's name (default: the parent's and the method). */
  name?: string;
  /** Measure both models on the first N samples of the split, or all when null. */
  evalLimit?: number | null;
  /** The backend to run on: the current one, or one made current first (as evaluation does). */
  backend?: BackendChoice;
}

/** The compression under way. */
export interface CompressionJob {
  jobId: string;
  checkpoint: CheckpointMeta;
  recipe: CompressionRecipe;
  /** null until the worker reports its first step. */
  phase: CompressionPhase | 'preparing';
  done: number;
  total: number;
  /** When the current phase started (ms, performance.now()), for the time left. */
  phaseStartedAt: number;
  cancelling: boolean;
}

export const useCompressionStore = defineStore('compression', () => {
  const studio = useStudio();
  const ml = useMl();
  const project = useProjectStore();
  const datasets = useDatasetsStore();
  /** Every checkpoint of the project (compressed ones and their parents). */
  const checkpoints = ref<CheckpointMeta[]>([]);
  /** Reports of compressed checkpoints, by id (kept out of deep reactivity: they are read-only). */
  const reports = shallowRef<Record<string, CompressionReport>>({});
  const job = ref<CompressionJob | null>(null);
  /** The checkpoint the last compression made, to show it. */
  const made = ref<CheckpointMeta | null>(null);
  /** The running compression's training steps (fine-tuning or the student's), for the live charts. */
  const steps = shallowRef<CompressionStepRecord[]>([]);
  let count = 0;

  ml.on('compress:progress', (p) => {
    const j = job.value;
    if (!j || p.jobId !== j.jobId) return;
    if (p.phase !== j.phase) {
      j.phase = p.phase;
      j.phaseStartedAt = performance.now();
    }
    j.done = p.done;
    j.total = p.total;
    if (p.records.length) steps.value = [...steps.value, ...p.records];
  });

  const compressed = computed(() => checkpoints.value.filter((c) => c.compression));

  /** Seconds left in the current phase, from its pace so far (null until it has a pace). */
  const secondsLeft = computed(() => {
    const j = job.value;
    if (!j || j.phase === 'preparing' || j.done === 0 || j.total <= j.done) return null;
    const elapsed = (performance.now() - j.phaseStartedAt) / 1000;
    return (elapsed / j.done) * (j.total - j.done);
  });

  /** Lists the project's checkpoints and fetches the reports not yet here. */
  async function refresh(): Promise<void> {
    try {
      checkpoints.value = await studio.call(studio.api.checkpoint.list({}));
      const missing = compressed.value.filter((c) => !(c.id in reports.value));
      const fetched = await Promise.all(missing.map(async (c) => [c.id, await studio.call(studio.api.compression.report({ checkpointId: c.id }))] as const));
      const next = { ...reports.value };
      for (const [id, r] of fetched) if (r) next[id] = r;
      reports.value = next;
    } catch (err) {
      project.reportError(err);
    }
  }

  /** Compresses a checkpoint as the recipe says; the new checkpoint, or null when cancelled or refused. */
  async function start(checkpoint: CheckpointMeta, recipe: CompressionRecipe, opts: CompressionOptions = {}): Promise<CheckpointMeta | null> {
    const name = opts.name;
    if (job.value) return null;
    const jobId = `compress-${++count}`;
    job.value = { jobId, checkpoint, recipe, phase: 'preparing', done: 0, total: 0, phaseStartedAt: performance.now(), cancelling: false };
    made.value = null;
    steps.value = [];
    const feeds: DataFeed[] = [];
    const cancelled = () => job.value?.cancelling === true;
    try {
      const prepared = await studio.call(studio.api.compression.prepare({ checkpointId: checkpoint.id, recipe: plain(recipe) }));
      // A chosen backend is made current first (the worker refuses while a run trains, and says so).
      if (opts.backend && opts.backend !== 'auto') useBackendStore().report = await ml.request('backend:use', { backend: opts.backend });
      const manifest = datasets.items.find((d) => d.id === prepared.datasetId);
      if (!manifest) throw new Error(`The dataset of this checkpoint (${prepared.datasetId}) is not in the project.`);
      const artifacts = checkpointArtifacts(await studio.call(studio.api.checkpoint.load({ id: checkpoint.id, optimizer: false })));
      const reader = studioShardReader(studio);
      // Calibration (full-int8), fine-tuning and distillation read the training split.
      const needsTrain = recipe.method === 'quantize' ? recipe.scheme === 'full-int8' : recipe.method === 'distill' || recipe.fineTuneEpochs > 0;
      const train = needsTrain ? await openDataFeed(ml, reader, manifest, { split: 'train', shuffle: true, seed: recipe.seed }) : null;
      if (train) feeds.push(train);
      const evaluation = await openDataFeed(ml, reader, manifest, { split: prepared.evalSplit, shuffle: false });
      feeds.push(evaluation);
      if (cancelled()) return null;
      const result = await ml.request(
        'compress:run',
        {
          jobId,
          spec: plain(checkpoint.spec),
          artifacts,
          recipe: plain(recipe),
          classNames: [...manifest.classNames],
          standardization: standardizationOf(manifest),
          feeds: { train: train?.plan.feedId ?? null, evaluation: evaluation.plan.feedId },
          evalLimit: opts.evalLimit ?? null,
          student: prepared.student ? plain(prepared.student.spec) : null,
        },
        [artifacts.weightData],
      );
      if (cancelled()) return null;
      const saved = await studio.call(
        studio.api.compression.save({
          parentId: checkpoint.id,
          recipe: plain(recipe),
          ...(name?.trim() ? { name: name.trim() } : {}),
          spec: result.spec,
          ...(prepared.student ? { modelId: prepared.student.modelId } : {}),
          modelTopology: result.model.modelTopology,
          weightSpecs: result.model.weightSpecs,
          weightData: new Uint8Array(result.model.weightData),
          backend: result.backend,
          evalSplit: prepared.evalSplit,
          evalSamples: result.evalSamples,
          before: result.before,
          after: result.after,
          layers: result.layers,
          compressMs: result.compressMs,
          ...(result.compare ? { compare: result.compare.figures, compareWeightData: new Uint8Array(result.compare.weightData) } : {}),
        }),
      );
      reports.value = { ...reports.value, [saved.meta.id]: saved.report };
      made.value = saved.meta;
      await refresh();
      return saved.meta;
    } catch (err) {
      // A cancel the person asked for is no error.
      if (!cancelled()) project.reportError(err);
      return null;
    } finally {
      await Promise.all(feeds.map((f) => f.close()));
      job.value = null;
    }
  }

  /** Stops the running compression at its next batch; nothing is stored. */
  async function cancel(): Promise<void> {
    const j = job.value;
    if (!j || j.cancelling) return;
    j.cancelling = true;
    await ml.request('compress:cancel', { jobId: j.jobId }).catch((err: unknown) => project.reportError(err));
  }

  return { checkpoints, reports, job, made, steps, compressed, secondsLeft, refresh, start, cancel };
});
