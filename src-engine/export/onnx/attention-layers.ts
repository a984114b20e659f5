/**
 * The transformer layers as ONNX nodes, computing what the studio's own layers compute
 * (src-engine/layers): token and position embeddings (Gather of the clamped ids plus the
 * positions), patch embeddings (a strided Conv, then [batch, patches, dim]), layer norm
 * (LayerNormalization, opset 17), the pre-norm encoder block with multi-head attention
 * decomposed into MatMul, Softmax, Reshape and Transpose (padding keys masked from the token ids
 * as training masks them), and the mean over a sequence that leaves padding out.
 */
import type { LayerSpec } from '../../../src-shared/models/spec';
import { channelAxis } from '../../compress/layer-map';
import { blockLayerNames } from '../../model/build-model';
import { type GraphBuilder, hwioToOihw } from './graph-builder';
import { DataType } from './onnx-proto';

/** Added to padded keys' scores, as MultiHeadAttention's MASKED. */
const MASKED = -1e9;

/** A checkpoint weight as the variant stores it, per channel on the axis the studio's int8 uses. */
function stored(g: GraphBuilder, label: string, weightName: string): string {
  const w = g.weight(weightName);
  const axis = channelAxis(weightName, w.shape);
  return axis === null ? g.param(label, w.shape, w.values) : g.kernel(label, w.shape, w.values, axis).t;
}

/** [batch, seq] int32 ids → [batch, seq, dim]: ids outside the vocabulary clamp to its ends, as the layer does. */
export function tokenEmbedding(g: GraphBuilder, name: string, ids: string, vocabSize: number): string {
  const safe = g.add('Clip', [ids, g.constant(0, 'int32'), g.constant(vocabSize - 1, 'int32')]);
  const tokens = g.add('Gather', [stored(g, `${name}.tokens`, `${name}/token_embeddings`), safe], { axis: 0 });
  return g.add('Add', [tokens, stored(g, `${name}.positions`, `${name}/position_embeddings`)]);
}

/** [batch, c, h, w] (NCHW) → [batch, patches, dim], patches in row-major order as TF.js reshapes them. */
export function patchEmbedding(g: GraphBuilder, name: string, x: string, layer: Extract<LayerSpec, { type: 'patchEmbedding' }>): string {
  const k = g.weight(`${name}/kernel`);
  const p = layer.patchSize;
  const w = g.kernel(`${name}.weight`, [k.shape[3]!, k.shape[2]!, p, p], hwioToOihw(k.values, k.shape), 0);
  const b = g.bias(`${name}.bias`, g.weight(`${name}/bias`).values, x, w.scales);
  const patches = g.add('Conv', [x, w.t, b], { kernel_shape: [p, p], strides: [p, p], pads: [0, 0, 0, 0], dilations: [1, 1], group: 1 });
  // [b, dim, ph, pw] → [b, dim, ph·pw] → [b, ph·pw, dim]
  const seq = g.add('Transpose', [g.add('Reshape', [patches, g.constant([0n, BigInt(layer.dim), -1n])])], { perm: [0, 2, 1] });
  return g.add('Add', [seq, stored(g, `${name}.positions`, `${name}/position_embeddings`)]);
}

/** Layer norm over the last axis with the layer's gamma and beta. */
export function layerNorm(g: GraphBuilder, name: string, x: string, epsilon: number): string {
  return g.add('LayerNormalization', [x, g.param(`${name}.gamma`, g.weight(`${name}/gamma`).shape, g.weight(`${name}/gamma`).values), g.param(`${name}.beta`, g.weight(`${name}/beta`).shape, g.weight(`${name}/beta`).values)], { axis: -1, epsilon: { float: epsilon } });
}

/** The additive padding bias [batch, 1, 1, seq] of the ids: 0 for tokens, MASKED for id 0. */
export function paddingBias(g: GraphBuilder, ids: string): string {
  const pad = g.add('Equal', [ids, g.constant(0, 'int32')]);
  const bias = g.add('Where', [pad, g.constant(MASKED), g.constant(0)]);
  return g.add('Unsqueeze', [bias, g.constant([1n, 2n])]);
}

/** Multi-head self-attention over [batch, seq, dim], as MultiHeadAttention.attend. */
function attention(g: GraphBuilder, name: string, x: string, heads: number, headDim: number, mask: string | null): string {
  const project = (part: string, t: string) => g.dense(`${name}.${part}`, t, `${name}/${part}_kernel`, `${name}/${part}_bias`, 3);
  // [b, s, h·dk] → [b, h, s, dk] (keys: [b, h, dk, s], ready for Q·Kᵀ)
  const split = (t: string, perm: number[]) => g.add('Transpose', [g.add('Reshape', [t, g.constant([0n, 0n, BigInt(heads), BigInt(headDim)])])], { perm });
  const q = split(project('query', x), [0, 2, 1, 3]);
  const k = split(project('key', x), [0, 2, 3, 1]);
  const v = split(project('value', x), [0, 2, 1, 3]);
  let scores = g.add('Mul', [g.add('MatMul', [q, k]), g.constant(1 / Math.sqrt(headDim))]);
  if (mask) scores = g.add('Add', [scores, mask]);
  const weights = g.add('Softmax', [scores], { axis: -1 });
  const context = g.add('Reshape', [g.add('Transpose', [g.add('MatMul', [weights, v])], { perm: [0, 2, 1, 3] }), g.constant([0n, 0n, BigInt(heads * headDim)])]);
  return project('output', context);
}

/** The pre-norm encoder block: x + MHA(LN(x)), then that + FFN(LN(that)); dropout is dropped. */
export function transformerBlock(g: GraphBuilder, name: string, x: string, layer: Extract<LayerSpec, { type: 'transformerBlock' }>, mask: string | null): string {
  const n = blockLayerNames(name);
  const headDim = layer.headDim ?? layer.dim / layer.heads;
  const mid = g.add('Add', [x, attention(g, n.attention, layerNorm(g, n.norm1, x, 1e-5), layer.heads, headDim, mask)]);
  const ff1 = g.activate('gelu', g.dense(n.feedForward1, layerNorm(g, n.norm2, mid, 1e-5), `${n.feedForward1}/kernel`, `${n.feedForward1}/bias`, 3));
  return g.add('Add', [mid, g.dense(n.feedForward2, ff1, `${n.feedForward2}/kernel`, `${n.feedForward2}/bias`, 3)]);
}

/** [batch, seq, dim] → [batch, dim]: the mean over the positions whose id is not 0 (all, without ids), as SequenceMeanPool. */
export function sequenceMean(g: GraphBuilder, x: string, ids: string | null): string {
  if (!ids) return g.add('ReduceMean', [x], { axes: [1], keepdims: 0 });
  const real = g.add('Cast', [g.add('Not', [g.add('Equal', [ids, g.constant(0, 'int32')])])], { to: DataType.FLOAT });
  const keep = g.add('Unsqueeze', [real, g.constant([2n])]);
  const sum = g.add('ReduceSum', [g.add('Mul', [x, keep]), g.constant([1n])], { keepdims: 0 });
  // An all-padding sample divides by 1 and pools to zeros.
  const count = g.add('Max', [g.add('ReduceSum', [keep, g.constant([1n])], { keepdims: 0 }), g.constant(1)]);
  return g.add('Div', [sum, count]);
}
