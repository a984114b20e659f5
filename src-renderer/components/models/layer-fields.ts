/**
 * The model editor's form for each layer type: which fields it has and how each is typed, how
 * a typed value becomes a spec value, and the layer a new row starts as.
 */
import { ACTIVATIONS, LayerSpec, type LayerType, type Size2 } from '../../../src-shared/models/spec';
import { fieldProblemOf, type FieldProblem } from '../../util/field-problem';

export type FieldKind = 'int' | 'number' | 'activation' | 'padding' | 'size2' | 'optionalSize2';

export interface FieldDef {
  key: string;
  kind: FieldKind;
  step?: number;
}

const SIZE_FIELDS: FieldDef[] = [
  { key: 'poolSize', kind: 'size2' },
  { key: 'strides', kind: 'optionalSize2' },
  { key: 'padding', kind: 'padding' },
];

/** The editable fields of each layer type, in form order. */
export const LAYER_FIELDS: Record<LayerType, FieldDef[]> = {
  conv2d: [
    { key: 'filters', kind: 'int' },
    { key: 'kernelSize', kind: 'size2' },
    { key: 'strides', kind: 'size2' },
    { key: 'padding', kind: 'padding' },
    { key: 'activation', kind: 'activation' },
  ],
  maxPool2d: SIZE_FIELDS,
  avgPool2d: SIZE_FIELDS,
  flatten: [],
  dense: [
    { key: 'units', kind: 'int' },
    { key: 'activation', kind: 'activation' },
  ],
  dropout: [{ key: 'rate', kind: 'number', step: 0.05 }],
  batchNorm: [
    { key: 'momentum', kind: 'number', step: 0.01 },
    { key: 'epsilon', kind: 'number', step: 0.0001 },
  ],
  layerNorm: [{ key: 'epsilon', kind: 'number', step: 0.000001 }],
  globalAvgPool: [],
  tokenEmbedding: [{ key: 'dim', kind: 'int' }],
  patchEmbedding: [
    { key: 'patchSize', kind: 'int' },
    { key: 'dim', kind: 'int' },
  ],
  transformerBlock: [
    { key: 'heads', kind: 'int' },
    { key: 'dim', kind: 'int' },
    { key: 'ffDim', kind: 'int' },
    { key: 'dropout', kind: 'number', step: 0.05 },
  ],
};

export const SELECT_OPTIONS: Partial<Record<FieldKind, readonly string[]>> = {
  activation: ACTIVATIONS,
  padding: ['valid', 'same'],
};

/** What a new layer of a type starts as (schema defaults applied). */
export function newLayer(type: LayerType): LayerSpec {
  const required: Partial<Record<LayerType, object>> = {
    conv2d: { filters: 32, kernelSize: 3 },
    dense: { units: 64, activation: 'relu' },
    dropout: { rate: 0.2 },
    tokenEmbedding: { dim: 64 },
    patchEmbedding: { patchSize: 4, dim: 64 },
    transformerBlock: { heads: 4, dim: 64, ffDim: 128 },
  };
  return LayerSpec.parse({ type, ...required[type] });
}

/** A size as the form shows it: 3 -> "3", [3, 5] -> "3x5", undefined -> "". */
export function showSize(v: Size2 | undefined): string {
  if (v === undefined) return '';
  return typeof v === 'number' ? String(v) : `${v[0]}x${v[1]}`;
}

/** Reads a typed size: "3" or "3x5" ("3×5", "3,5"); "" is undefined; anything else is NaN. */
export function readSize(text: string): Size2 | undefined | typeof NaN {
  const t = text.trim();
  if (t === '') return undefined;
  if (/^\d+$/.test(t)) return Number(t);
  const m = /^(\d+)\s*[x×,]\s*(\d+)$/.exec(t);
  return m ? [Number(m[1]), Number(m[2])] : NaN;
}

/**
 * The layer with one field set from its typed text, or the rule it breaks. Every value the
 * editor keeps passes the layer schema, so shape inference only sees valid layers.
 */
export function setField(layer: LayerSpec, field: FieldDef, text: string): { layer: LayerSpec } | { problem: FieldProblem } {
  let value: unknown = text;
  if (field.kind === 'int' || field.kind === 'number') {
    value = text.trim() === '' ? NaN : Number(text);
    if (!Number.isFinite(value as number)) return { problem: { rule: 'notNumber' } };
  } else if (field.kind === 'size2' || field.kind === 'optionalSize2') {
    value = readSize(text);
    if (typeof value === 'number' && Number.isNaN(value)) return { problem: { rule: 'sizeLike' } };
    if (value === undefined && field.kind === 'size2') return { problem: { rule: 'required' } };
  }
  const next: Record<string, unknown> = { ...layer, [field.key]: value };
  if (value === undefined) delete next[field.key];
  const parsed = LayerSpec.safeParse(next);
  if (!parsed.success) return { problem: fieldProblemOf(parsed.error.issues[0]) };
  return { layer: parsed.data };
}

/** How a field's number is shown: tiny ones (epsilon 1e-6) in exponent form, so a narrow field does not read "0.00000". */
export function showNumber(v: number): string {
  return v !== 0 && Math.abs(v) < 1e-3 ? v.toExponential() : String(v);
}
