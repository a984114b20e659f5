/**
 * The Open Inference Protocol v2's JSON bodies (KServe, Triton, Seldon): the inference request
 * read and checked against a model's input (name, datatype, shape, the data's length and
 * values), the response, and model metadata. A request that does not fit is a ProtocolError
 * with the 4xx status and the message the client sees as `{"error": "..."}`.
 */
import { z } from 'zod';
import type { ServedModel, TensorMeta } from './served-model';
import type { Message } from '../../src-shared/messages/message';

export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  constructor(
    readonly status: number,
    message: string,
    /** The reason by key, where the app shows it (Try): the HTTP answer has only the words. */
    readonly said?: Message,
  ) {
    super(message);
  }
}

/** Samples one request may carry. */
export const MAX_REQUEST_SAMPLES = 4096;


const InferRequest = z.object({
  id: z.string().max(256).optional(),
  parameters: z.record(z.string(), z.unknown()).optional(),
  inputs: z
    .array(
      z.object({
        name: z.string(),
        shape: z.array(z.number().int().min(0)).min(1).max(8),
        datatype: z.string(),
        parameters: z.record(z.string(), z.unknown()).optional(),
        // Checked by flattenData, which stops at the first value too many (no copy of a huge body first).
        data: z.array(z.unknown()),
      }),
    )
    .min(1),
  outputs: z.array(z.object({ name: z.string(), parameters: z.record(z.string(), z.unknown()).optional() })).optional(),
});

/**
 * The tensor's values from data given flat or nested (row-major), into `out`; a ProtocolError
 * as soon as there are more than `out` holds, nesting is deeper than the shape, or a value is
 * not a finite number (or not an INT32 when `int`).
 */
function flattenData(data: unknown[], out: Float32Array | Int32Array, depth: number, int: boolean, shape: number[]): void {
  let n = 0;
  const stack: { items: unknown[]; at: number }[] = [{ items: data, at: 0 }];
  while (stack.length) {
    const top = stack[stack.length - 1]!;
    if (top.at >= top.items.length) {
      stack.pop();
      continue;
    }
    const v = top.items[top.at++];
    if (Array.isArray(v)) {
      if (stack.length >= depth) throw new ProtocolError(400, `The data is nested deeper than its shape [${shape.join(', ')}].`);
      stack.push({ items: v, at: 0 });
      continue;
    }
    if (n >= out.length) throw new ProtocolError(400, `The shape [${shape.join(', ')}] needs ${out.length} values; the data has more.`);
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new ProtocolError(400, `Value ${n} of the data is ${JSON.stringify(v)}, not a finite number.`);
    if (int && (!Number.isInteger(v) || v < -(2 ** 31) || v >= 2 ** 31)) throw new ProtocolError(400, `Value ${n} of the data is ${v}, not an INT32.`);
    out[n++] = v;
  }
  if (n !== out.length) throw new ProtocolError(400, `The shape [${shape.join(', ')}] needs ${out.length} values; the data has ${n}.`);
}

export interface ParsedInfer {
  id: string | undefined;
  x: Float32Array | Int32Array;
  n: number;
  /** The outputs asked for (`probabilities`), or all. */
  outputs: string[] | null;
}

/** Reads an inference request for the model; throws ProtocolError (400) naming what is wrong. */
export function parseInferRequest(body: unknown, model: ServedModel): ParsedInfer {
  const parsed = InferRequest.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ProtocolError(400, `The inference request is not valid: ${issue.path.join('.') || 'body'}: ${issue.message}.`);
  }
  const req = parsed.data;
  const want = model.input;
  if (req.inputs.length !== 1) throw new ProtocolError(400, `${model.name} takes one input, "${want.name}"; the request has ${req.inputs.length}.`);
  const input = req.inputs[0]!;
  if (input.name !== want.name) throw new ProtocolError(400, `${model.name} has no input "${input.name}"; its input is "${want.name}".`);
  if (input.datatype !== want.datatype) throw new ProtocolError(400, `The input "${want.name}" of ${model.name} is ${want.datatype}, not ${input.datatype}.`);
  const [n, ...rest] = input.shape as [number, ...number[]];
  if (rest.length !== want.shape.length - 1 || rest.some((d, i) => d !== want.shape[i + 1])) {
    throw new ProtocolError(400, `The input "${want.name}" of ${model.name} has shape ${shapeText(want)}; the request says [${input.shape.join(', ')}].`);
  }
  if (n < 1 || n > MAX_REQUEST_SAMPLES) throw new ProtocolError(400, `A request carries 1 to ${MAX_REQUEST_SAMPLES} samples; this one says ${n}.`);
  const x = want.datatype === 'INT32' ? new Int32Array(n * model.sampleSize) : new Float32Array(n * model.sampleSize);
  flattenData(input.data, x, input.shape.length, want.datatype === 'INT32', input.shape);
  const outputs = req.outputs?.map((o) => o.name) ?? null;
  for (const o of outputs ?? []) if (o !== model.output.name) throw new ProtocolError(400, `${model.name} has no output "${o}"; its output is "${model.output.name}".`);
  return { id: req.id, x, n, outputs };
}

function shapeText(t: TensorMeta): string {
  return `[${t.shape.map((d) => (d < 0 ? 'batch' : d)).join(', ')}]`;
}

/** The inference response for n samples' probabilities. */
export function inferResponse(model: ServedModel, id: string | undefined, probs: Float32Array, n: number) {
  return {
    model_name: model.name,
    model_version: model.version,
    ...(id === undefined ? {} : { id }),
    outputs: [{ name: model.output.name, datatype: model.output.datatype, shape: [n, model.labels.length], data: Array.from(probs) }],
  };
}

/** The model metadata response. */
export function modelMetadata(model: ServedModel) {
  return {
    name: model.name,
    versions: [model.version],
    platform: model.platform,
    inputs: [model.input],
    outputs: [model.output],
    parameters: { export_id: model.meta.id, format: model.meta.format, precision: model.meta.precision, labels: model.labels, preprocessing: model.preprocessing.kind },
  };
}
