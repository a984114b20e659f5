/**
 * Grad-CAM saliency for CNNs: the gradient of a class score with respect to the last conv
 * layer's output, averaged per channel into channel weights; the ReLU of the weighted sum of the
 * channels, upsampled to the input size and scaled to [0, 1], shows where the model looked.
 */
import * as tf from '@tensorflow/tfjs-core';
import { model as functionalModel, type LayersModel, type SymbolicTensor } from '@tensorflow/tfjs-layers';

/** A heat map over the input image, row-major, values in [0, 1]. */
export interface GradCamResult {
  height: number;
  width: number;
  data: Float32Array;
  /** The class the map explains. */
  classIndex: number;
  /** The model's probabilities for the sample. */
  scores: number[];
}

type Layer = LayersModel['layers'][number];

/** The last Conv2D layer and the chain of single-input layers after it, up to the output. */
function splitAtLastConv(model: LayersModel): { conv: Layer; head: Layer[] } {
  const index = model.layers.map((l) => l.getClassName()).lastIndexOf('Conv2D');
  if (index < 0) throw new Error('Grad-CAM needs a model with a convolution layer');
  const head = model.layers.slice(index + 1);
  let previous = model.layers[index]!;
  for (const layer of head) {
    const inbound = layer.inboundNodes[0]?.inboundLayers ?? [];
    if (inbound.length !== 1 || inbound[0] !== previous) throw new Error(`Grad-CAM needs a plain chain of layers after the last convolution; ${layer.name} is not`);
    previous = layer;
  }
  return { conv: model.layers[index]!, head };
}

/** Runs the head on the conv activations; the last softmax Dense gives logits, which do not saturate. */
function headLogits(head: Layer[], activations: tf.Tensor): tf.Tensor {
  let h = activations;
  head.forEach((layer, i) => {
    const config = layer.getConfig();
    if (i === head.length - 1 && layer.getClassName() === 'Dense' && config.activation === 'softmax') {
      const [kernel, bias] = layer.getWeights();
      h = tf.matMul(h, kernel!);
      if (bias && config.useBias !== false) h = tf.add(h, bias);
      return;
    }
    h = layer.apply(h) as tf.Tensor;
  });
  return h;
}

/**
 * The Grad-CAM map of the first image of `x` (preprocessed, [1, h, w, c]) for `classIndex`,
 * or for the predicted class when it is omitted.
 */
export async function gradCam(model: LayersModel, x: tf.Tensor, classIndex?: number | null): Promise<GradCamResult> {
  const { conv, head } = splitAtLastConv(model);
  const [, height = 1, width = 1] = x.shape;
  // Not disposed: it shares the model's layers and owns no weights of its own.
  const probe = functionalModel({ inputs: model.inputs, outputs: conv.output as SymbolicTensor });
  const one = x.shape[0] === 1 ? x : tf.slice(x, 0, 1);
  try {
    const probsT = tf.tidy(() => model.predict(one) as tf.Tensor);
    const scores = Array.from(await probsT.data());
    probsT.dispose();
    const target = classIndex ?? scores.indexOf(Math.max(...scores));
    if (!Number.isInteger(target) || target < 0 || target >= scores.length) throw new Error(`There is no class ${target}`);
    const mapT = tf.tidy(() => {
      const activations = probe.predict(one) as tf.Tensor4D;
      const score = (a: tf.Tensor) => tf.sum(tf.slice(headLogits(head, a), [0, target], [1, 1]));
      const grads = tf.grad(score)(activations);
      const channels = activations.shape[3];
      const weights = tf.reshape(tf.mean(grads, [1, 2]), [1, 1, 1, channels]);
      const cam = tf.relu(tf.sum(tf.mul(activations, weights), -1, true)) as tf.Tensor4D;
      const up = tf.image.resizeBilinear(cam, [height, width]);
      const lo = tf.min(up);
      const span = tf.sub(tf.max(up), lo);
      // A flat map (no positive evidence anywhere) stays all zeros rather than dividing by zero.
      return tf.reshape(tf.where(tf.greater(span, 1e-12), tf.div(tf.sub(up, lo), tf.maximum(span, 1e-12)), tf.zerosLike(up)), [height * width]);
    });
    const data = (await mapT.data()) as Float32Array;
    mapT.dispose();
    return { height, width, data, classIndex: target, scores };
  } finally {
    if (one !== x) one.dispose();
  }
}
