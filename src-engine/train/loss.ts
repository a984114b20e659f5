/**
 * Loss and accuracy on softmax outputs: sparse categorical cross-entropy (probabilities clipped
 * to [1e-7, 1], as Keras does) and the fraction of arg-max hits. Used by training and evaluation.
 */
import * as tf from '@tensorflow/tfjs-core';

/** Smallest probability the log sees, so a confident mistake costs log(1e7), not infinity. */
export const PROB_EPSILON = 1e-7;

/** Cross-entropy of each sample: -log p[label]; probs [n, classes], labels int32 [n]. */
export function crossEntropyPerSample(probs: tf.Tensor, labels: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => {
    const classes = probs.shape[probs.shape.length - 1]!;
    const oneHot = tf.oneHot(tf.cast(labels, 'int32') as tf.Tensor1D, classes);
    const logp = tf.log(tf.clipByValue(probs, PROB_EPSILON, 1));
    return tf.neg(tf.sum(tf.mul(oneHot, logp), -1)) as tf.Tensor1D;
  });
}

/** Mean cross-entropy of a batch. */
export function crossEntropy(probs: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.mean(crossEntropyPerSample(probs, labels)) as tf.Scalar);
}

/** Number of samples whose arg-max is their label (float32 scalar). */
export function correctCount(probs: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(probs, -1), tf.cast(labels, 'int32')), 'float32')) as tf.Scalar);
}
