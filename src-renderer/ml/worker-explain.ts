/**
 * The worker's evaluation and explanations of a checkpoint: metrics on a feed, attention maps of
 * attention models and Grad-CAM heat maps of CNNs. Every model and tensor made here is disposed.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { EvalResult } from '../../src-shared/evaluations/eval-result';
import { attentionMaps } from '../../src-engine/evaluate/attention-maps';
import { evaluate, EvaluationCancelled } from '../../src-engine/evaluate/evaluate';
import { gradCam } from '../../src-engine/evaluate/grad-cam';
import { getFeed } from './feeds';
import { limitProvider } from '../../src-engine/data/limited-provider';
import { loadArtifactsModel, sampleTensor } from './model-loader';
import type { AttentionLayerMap, EvalRunRequest, ExplainRequest, GradCamMap, TryRequest, TryResult } from './training-protocol';
import type { PostEvent } from './worker-training';

/** Evaluations under way, by id, with whether Cancel was asked. */
const evaluations = new Map<string, { cancelled: boolean }>();

/** Progress events at most this often. */
const PROGRESS_MS = 200;

/**
 * Evaluates a checkpoint on the first `limit` samples (or all) of a feed read in order, posting
 * eval:progress as it goes; evalCancel(evalId) ends it between batches.
 */
export async function runEvaluation(req: EvalRunRequest, post: PostEvent): Promise<EvalResult> {
  // A Cancel may arrive before the evaluation itself (it waits for the backend): it still counts.
  const state = evaluations.get(req.evalId) ?? { cancelled: false };
  evaluations.set(req.evalId, state);
  let last = 0;
  let model: Awaited<ReturnType<typeof loadArtifactsModel>> | null = null;
  try {
    if (state.cancelled) throw new EvaluationCancelled();
    model = await loadArtifactsModel(req.artifacts);
    const provider = limitProvider(getFeed(req.feedId), req.limit);
    return await evaluate(model, provider, req.classNames, {
      input: req.input,
      standardization: req.standardization,
      cancelled: () => state.cancelled,
      onProgress: (done, total) => {
        const now = performance.now();
        if (now - last < PROGRESS_MS && done < total) return;
        last = now;
        post('eval:progress', { evalId: req.evalId, done, total });
      },
    });
  } finally {
    evaluations.delete(req.evalId);
    model?.dispose();
  }
}

/** Asks an evaluation to stop after its batch; one that already ended is left as it is. */
export function cancelEvaluation(evalId: string): null {
  const state = evaluations.get(evalId);
  if (state) state.cancelled = true;
  // Not started yet: remembered, so runEvaluation stops before it begins (ids are never reused).
  else evaluations.set(evalId, { cancelled: true });
  return null;
}

/** Every attention layer's per-head weights for one sample, and the model's class scores. */
export async function explainAttention(req: ExplainRequest): Promise<{ maps: AttentionLayerMap[]; scores: number[] }> {
  const model = await loadArtifactsModel(req.artifacts);
  const x = sampleTensor(req.input, req.sample, req.standardization);
  try {
    const scores = tf.tidy(() => model.predict(x) as tf.Tensor);
    const probs = Array.from(await scores.data());
    scores.dispose();
    const out: AttentionLayerMap[] = [];
    for (const m of attentionMaps(model, x)) {
      const [, heads = 1, length = 1] = m.scores.shape;
      out.push({ layer: m.layer, heads, length, data: (await m.scores.data()) as Float32Array });
      m.scores.dispose();
    }
    return { maps: out, scores: probs };
  } finally {
    x.dispose();
    model.dispose();
  }
}

/** A Grad-CAM heat map of one image for one class. */
export async function explainGradCam(req: ExplainRequest & { classIndex: number }): Promise<GradCamMap> {
  const model = await loadArtifactsModel(req.artifacts);
  const x = sampleTensor(req.input, req.sample, req.standardization);
  try {
    return await gradCam(model, x, req.classIndex);
  } finally {
    x.dispose();
    model.dispose();
  }
}

/** The checkpoint Try it last loaded, kept while the person tries inputs on it. */
let tried: { id: string; model: Promise<Awaited<ReturnType<typeof loadArtifactsModel>>> } | null = null;

/** Try it on one input: probabilities, and Grad-CAM (CNNs) or attention maps (attention models). */
export async function explainTry(req: TryRequest): Promise<TryResult> {
  if (tried?.id !== req.checkpointId) {
    if (!req.artifacts) throw new Error(`Checkpoint ${req.checkpointId} is not loaded: send its artifacts.`);
    const old = tried;
    const entry = { id: req.checkpointId, model: loadArtifactsModel(req.artifacts) };
    tried = entry;
    // A load that fails is forgotten, so the next try loads again rather than failing for ever.
    entry.model.catch(() => {
      if (tried === entry) tried = null;
    });
    void old?.model.then((m) => m.dispose()).catch(() => undefined);
  }
  const model = await tried.model;
  const x = sampleTensor(req.input, req.sample, req.standardization);
  try {
    const y = tf.tidy(() => model.predict(x) as tf.Tensor);
    const scores = Array.from(await y.data());
    y.dispose();
    const types = new Set(model.layers.map((l) => l.getClassName()));
    if (types.has('MultiHeadAttention')) {
      const maps: AttentionLayerMap[] = [];
      for (const m of attentionMaps(model, x)) {
        const [, heads = 1, length = 1] = m.scores.shape;
        maps.push({ layer: m.layer, heads, length, data: (await m.scores.data()) as Float32Array });
        m.scores.dispose();
      }
      return { scores, gradcam: null, attention: maps };
    }
    if (types.has('Conv2D')) return { scores, gradcam: await gradCam(model, x, scores.indexOf(Math.max(...scores))), attention: null };
    return { scores, gradcam: null, attention: null };
  } finally {
    x.dispose();
  }
}
