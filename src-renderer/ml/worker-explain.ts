/**
 * The worker's evaluation and explanations of a checkpoint: metrics on a feed, attention maps of
 * attention models and Grad-CAM heat maps of CNNs. Every model and tensor made here is disposed.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { EvalResult } from '../../src-shared/evaluations/eval-result';
import { attentionMaps } from '../../src-engine/evaluate/attention-maps';
import { evaluate } from '../../src-engine/evaluate/evaluate';
import { gradCam } from '../../src-engine/evaluate/grad-cam';
import { getFeed } from './feeds';
import { limitProvider } from '../../src-engine/data/limited-provider';
import { loadArtifactsModel, sampleTensor } from './model-loader';
import type { AttentionLayerMap, EvalRunRequest, ExplainRequest, GradCamMap } from './training-protocol';

/** Evaluates a checkpoint on the first `limit` samples (or all) of a feed read in order. */
export async function runEvaluation(req: EvalRunRequest): Promise<EvalResult> {
  const model = await loadArtifactsModel(req.artifacts);
  try {
    const provider = limitProvider(getFeed(req.feedId), req.limit);
    return await evaluate(model, provider, req.classNames, { input: req.input, standardization: req.standardization });
  } finally {
    model.dispose();
  }
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
