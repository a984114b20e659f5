/** What the attention views draw from a layer's weights (`data[h][q][k]`), shared by the evaluation view and Try it. */
import type { AttentionLayerMap } from '../../ml/training-protocol';

/** Attention each key position receives, summed over heads and the first `queries` query positions (the real tokens; all by default). */
export function receivedAttention(m: AttentionLayerMap, queries = m.length): number[] {
  const n = Math.min(queries, m.length);
  const out = new Array<number>(m.length).fill(0);
  for (let h = 0; h < m.heads; h++) for (let q = 0; q < n; q++) for (let k = 0; k < m.length; k++) out[k]! += m.data[(h * m.length + q) * m.length + k]!;
  return out;
}

/** Each token with its share of the attention, the most attended 1 (padding positions left out). */
export function tokenShares(received: number[], tokens: string[]): { token: string; share: number }[] {
  const r = received.slice(0, tokens.length);
  const max = Math.max(...r, 1e-9);
  return tokens.slice(0, r.length).map((token, i) => ({ token, share: r[i]! / max }));
}

/** The side of a square patch grid of `length` positions, or null when they do not make a square. */
export function squareGrid(length: number): number | null {
  const side = Math.round(Math.sqrt(length));
  return side * side === length ? side : null;
}
