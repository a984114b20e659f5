/**
 * The try:* channels (merged into the contract's channel table in contract.ts): Try it, a
 * model on a person's own input. `try:prepare` turns the input into a sample exactly as the
 * dataset's import stores one (for the ML worker to predict and explain with a checkpoint);
 * `try:export` runs an export in its own runtime in main, as `model-studio serve` does.
 */
import { z } from 'zod';
import { ExportId } from '../project/entry-ids';

/** As contract.ts checks a dataset id. */
const DatasetId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'is not a dataset id');

/** Images larger than this are refused before decoding. */
export const TRY_IMAGE_MAX_BYTES = 20 * 1024 * 1024;

/**
 * An input as a person has it: an image file's bytes (PNG, JPEG…), a text, or feature values
 * (null: missing), with `extra` fields beside it. The bytes sit at the top level of a request, where
 * the web host's binary frames carry them.
 */
function tryInput<T extends z.ZodRawShape>(extra: T) {
  return z.discriminatedUnion('kind', [
    z.strictObject({ ...extra, kind: z.literal('image'), bytes: z.instanceof(Uint8Array).refine((b) => b.byteLength <= TRY_IMAGE_MAX_BYTES, 'at most 20 MB') }),
    z.strictObject({ ...extra, kind: z.literal('text'), text: z.string().max(200_000) }),
    z.strictObject({ ...extra, kind: z.literal('tabular'), values: z.array(z.number().finite().nullable()).max(10_000) }),
  ]);
}
export const TryInput = tryInput({});
export type TryInput = z.infer<typeof TryInput>;

export const TryPrediction = z.strictObject({ label: z.string(), index: z.number().int(), probability: z.number() });
export type TryPrediction = z.infer<typeof TryPrediction>;

export const tryChannels = {
  /** The sample the dataset would store for this input: its bytes in the dataset's dtype, and for text the tokens the ids stand for. */
  'try:prepare': {
    request: tryInput({ datasetId: DatasetId }),
    response: z.strictObject({ x: z.instanceof(Uint8Array), shape: z.array(z.number().int()), tokens: z.array(z.string()).nullable() }),
  },
  /** The export's top-k predictions for the input, from its own runtime (onnxruntime, TensorFlow.js). */
  'try:export': {
    request: tryInput({ exportId: ExportId, topK: z.number().int().min(1).max(1000).default(5) }),
    response: z.strictObject({ predictions: z.array(TryPrediction), runtime: z.string(), ms: z.number() }),
  },
} as const;
