/**
 * Evaluations of checkpoints on the test split: the ML worker computes them (eval:run) on a feed
 * read in order, main keeps them (eval:save / eval:get). Also the explanations of one test sample:
 * attention maps for attention models and Grad-CAM for CNNs.
 */
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { DatasetManifest } from '../../src-shared/datasets/schema';
import type { CheckpointData } from '../../src-shared/ipc/training-contract';
import type { CheckpointMeta } from '../../src-shared/checkpoints/checkpoint-meta';
import type { EvalResult } from '../../src-shared/evaluations/eval-result';
import type { Backend } from '../../src-shared/runs/hyper-params';
import { useMl, useStudio } from '../bridge';
import { openDataFeed, studioShardReader } from '../ml/data-feed';
import { inputLayout } from '../ml/feed-protocol';
import type { AttentionLayerMap, GradCamMap, SampleInput } from '../ml/training-protocol';
import { useBackendStore } from './backend';
import { useDatasetsStore } from './datasets';
import { useProjectStore } from './project';
import { standardizationOf } from '../../src-engine/data/standardization';
import { checkpointArtifacts } from './training-live';

/** How many test samples a quick evaluation reads. */
export const QUICK_EVAL_SAMPLES = 1000;

/** A test sample's input as the model takes it, from dataset:samples bytes. */
export function sampleInput(manifest: DatasetManifest, x: Uint8Array): SampleInput {
  const { dtype, sampleShape } = inputLayout(manifest.input);
  const buf = x.slice().buffer;
  const data = dtype === 'uint8' ? new Uint8Array(buf) : dtype === 'int32' ? new Int32Array(buf) : new Float32Array(buf);
  return { x: data, shape: [1, ...sampleShape] };
}

// Reactive proxies cannot cross to the worker (structured clone).
function plainInput(meta: CheckpointMeta): CheckpointMeta['spec']['input'] {
  return JSON.parse(JSON.stringify(meta.spec.input)) as CheckpointMeta['spec']['input'];
}

export const useEvaluationStore = defineStore('evaluation', () => {
  const studio = useStudio();
  const ml = useMl();
  const project = useProjectStore();
  const datasets = useDatasetsStore();
  /** The checkpoint whose evaluation view is open. */
  const open = ref<CheckpointMeta | null>(null);
  const results = ref<Record<string, EvalResult | null>>({});
  const running = ref<string | null>(null);
  /** How far the running evaluation is. */
  const progress = ref<{ done: number; total: number } | null>(null);
  let evalId: string | null = null;
  let evalCount = 0;
  ml.on('eval:progress', (p) => {
    if (p.evalId === evalId) progress.value = { done: p.done, total: p.total };
  });
  let cancelling = false;
  // Checkpoints loaded for explanations (weights can be megabytes: kept out of reactivity).
  const loaded = shallowRef(new Map<string, CheckpointData>());

  function manifestOf(meta: CheckpointMeta): DatasetManifest {
    const m = datasets.items.find((d) => d.id === meta.datasetId);
    if (!m) throw new Error(`The dataset of this checkpoint (${meta.datasetId}) is not in the project.`);
    return m;
  }

  /** Opens a checkpoint's evaluation view and fetches a stored evaluation. */
  async function show(meta: CheckpointMeta | null): Promise<void> {
    open.value = meta;
    if (meta && !(meta.id in results.value)) await get(meta.id);
  }

  async function get(checkpointId: string): Promise<EvalResult | null> {
    try {
      const r = await studio.call(studio.api.eval.get({ checkpointId, split: 'test' }));
      results.value = { ...results.value, [checkpointId]: r };
      return r;
    } catch (err) {
      project.reportError(err);
      return null;
    }
  }

  async function load(id: string): Promise<CheckpointData> {
    let data = loaded.value.get(id);
    if (!data) {
      data = await studio.call(studio.api.checkpoint.load({ id, optimizer: false }));
      loaded.value.set(id, data);
    }
    return data;
  }

  /** Evaluates a checkpoint on the test split (the first `limit` samples, or all) and stores the result. */
  async function evaluate(meta: CheckpointMeta, limit: number | null, backendChoice: 'auto' | Backend = 'auto'): Promise<EvalResult | null> {
    if (running.value) return null;
    running.value = meta.id;
    progress.value = null;
    cancelling = false;
    const id = `eval-${++evalCount}`;
    evalId = id;
    try {
      const manifest = manifestOf(meta);
      // A chosen backend is made current first (the worker refuses while a run trains, and says so).
      if (backendChoice !== 'auto') {
        const report = await ml.request('backend:use', { backend: backendChoice });
        useBackendStore().report = report;
      }
      const artifacts = checkpointArtifacts(await load(meta.id));
      const feed = await openDataFeed(ml, studioShardReader(studio), manifest, { split: 'test', shuffle: false });
      let result: EvalResult;
      try {
        // Cancelled while the weights loaded or the feed opened: ask the worker for nothing.
        if (cancelling) return null;
        result = await ml.request(
          'eval:run',
          { evalId: id, artifacts, feedId: feed.plan.feedId, classNames: [...manifest.classNames], limit, input: plainInput(meta), standardization: standardizationOf(manifest) },
          [artifacts.weightData],
        );
      } finally {
        await feed.close();
      }
      // Cancelled while the worker was finishing: the person asked for no result.
      if (cancelling) return null;
      const saved = await studio.call(studio.api.eval.save({ checkpointId: meta.id, split: 'test', result }));
      results.value = { ...results.value, [meta.id]: saved };
      return saved;
    } catch (err) {
      // A cancel the person asked for is no error.
      if (!cancelling) project.reportError(err);
      return null;
    } finally {
      running.value = null;
      progress.value = null;
      evalId = null;
    }
  }

  /** Stops the running evaluation after its batch; nothing is saved. */
  async function cancel(): Promise<void> {
    if (!evalId) return;
    cancelling = true;
    await ml.request('eval:cancel', { evalId }).catch((err: unknown) => project.reportError(err));
  }

  /** One test sample of the checkpoint's dataset: its input, label and (text) original. */
  async function testSample(meta: CheckpointMeta, index: number) {
    const manifest = manifestOf(meta);
    const page = await studio.call(studio.api.dataset.samples({ id: manifest.id, split: 'test', offset: index, limit: 1 }));
    if (page.labels.length === 0) throw new Error(`The test split has no sample ${index}.`);
    return { manifest, page, input: sampleInput(manifest, page.x) };
  }

  /** Attention maps of every attention layer for one test sample. */
  async function attention(meta: CheckpointMeta, index: number): Promise<{ maps: AttentionLayerMap[]; scores: number[] } | null> {
    try {
      const { manifest, input } = await testSample(meta, index);
      const artifacts = checkpointArtifacts(await load(meta.id));
      const req = { artifacts, sample: input, input: plainInput(meta), standardization: standardizationOf(manifest) };
      return await ml.request('explain:attention', req, [artifacts.weightData]);
    } catch (err) {
      project.reportError(err);
      return null;
    }
  }

  /** A Grad-CAM heat map of one test image for a class. */
  async function gradcam(meta: CheckpointMeta, index: number, classIndex: number): Promise<GradCamMap | null> {
    try {
      const { manifest, input } = await testSample(meta, index);
      const artifacts = checkpointArtifacts(await load(meta.id));
      const req = { artifacts, sample: input, input: plainInput(meta), standardization: standardizationOf(manifest), classIndex };
      return await ml.request('explain:gradcam', req, [artifacts.weightData]);
    } catch (err) {
      project.reportError(err);
      return null;
    }
  }

  /** The tokens a text becomes in its dataset (as the ids of a sample stand for them), or null when main cannot say. */
  async function tokensOf(manifest: DatasetManifest, text: string): Promise<string[] | null> {
    try {
      return (await studio.call(studio.api.try.prepare({ kind: 'text', text, datasetId: manifest.id }))).tokens;
    } catch {
      return null;
    }
  }

  return { open, results, running, progress, show, get, evaluate, cancel, testSample, attention, gradcam, tokensOf };
});
