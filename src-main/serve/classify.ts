/**
 * `POST /v2/models/{name}/classify`: one input as a person has it, preprocessed as the export's
 * preprocessing.json says (the studio's own steps), then the top-k labels. The body is an image
 * (PNG, JPEG, GIF, WebP or BMP, resized to the model's size and colour as the import does, pixels / 255), or JSON:
 * `{"text": "..."}` (tokenized with tokenizer.json, cut and padded to the sequence length) or
 * `{"features": [..] | {name: value}}` (standardized with the training split's mean and std; a
 * missing value is the mean). `top_k` comes from the query or the JSON (default 5).
 */
import type { ModelInput } from '../../src-shared/models/spec';
import { encodeTexts } from '../../src-shared/datasets/tokenizer';
import { topK } from '../../src-shared/models/top-k';
import { ProtocolError } from './oip';
import type { ServedModel } from './served-model';
import { say } from '../../src-shared/messages/message';

export const DEFAULT_TOP_K = 5;

/** Whether the bytes begin as an image the import decodes: PNG, JPEG, GIF, WebP or BMP. */
const isImage = (b: Uint8Array) => {
  const ascii = (from: number, to: number) => String.fromCharCode(...b.subarray(from, to));
  return (b[0] === 0x89 && ascii(1, 4) === 'PNG') || (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) || ascii(0, 4) === 'GIF8' || (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') || ascii(0, 2) === 'BM';
};

/** The model input of one classify body. */
export async function classifyInput(model: ServedModel, body: Buffer, contentType: string, json: () => unknown): Promise<{ x: Float32Array | Int32Array; topK: number | null }> {
  const p = model.preprocessing;
  if (contentType.startsWith('image/') || isImage(body)) {
    if (p.kind !== 'image') throw new ProtocolError(400, `${model.name} takes ${p.kind === 'text' ? '{"text": "..."}' : '{"features": [...]}'}, not an image.`);
    if (!isImage(body)) throw new ProtocolError(400, 'The body is not an image the studio reads (PNG, JPEG, GIF, WebP or BMP).');
    const { decodeImage, ImageSkip } = await import('../datasets/importers/image-decode');
    let pixels: Uint8Array;
    try {
      pixels = await decodeImage(body, { width: p.width, height: p.height, color: p.channels === 1 ? 'grayscale' : 'rgb' });
    } catch (err) {
      if (err instanceof ImageSkip) throw new ProtocolError(400, `The image cannot be used: ${err.message}.`, say('errors.tryImage', { reason: err.said }));
      throw err;
    }
    return { x: Float32Array.from(pixels, (v) => v / 255), topK: null };
  }
  const value = json();
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ProtocolError(400, 'A classify body is an image, or a JSON object with "text" or "features".');
  const obj = value as Record<string, unknown>;
  const topK = obj.top_k === undefined ? null : obj.top_k;
  if (topK !== null && (typeof topK !== 'number' || !Number.isInteger(topK) || topK < 1)) throw new ProtocolError(400, '"top_k" is a whole number of at least 1.');
  if (p.kind === 'text') {
    if (typeof obj.text !== 'string') throw new ProtocolError(400, `${model.name} takes {"text": "..."}.`);
    if (obj.text.length > 1_000_000) throw new ProtocolError(413, 'The text is longer than 1,000,000 characters.');
    return { x: encodeTexts(model.tokenizer!, [obj.text], p.seqLength), topK };
  }
  if (p.kind === 'image') throw new ProtocolError(400, `${model.name} takes an image (PNG, JPEG, GIF, WebP or BMP; Content-Type image/png, image/jpeg…).`);
  const features = obj.features;
  const raw = new Float32Array(p.features.length);
  if (Array.isArray(features)) {
    if (features.length !== p.features.length) throw new ProtocolError(400, `${model.name} takes ${p.features.length} features (${p.features.join(', ')}); the request has ${features.length}.`);
    features.forEach((v, i) => (raw[i] = featureValue(v, p.features[i]!)));
  } else if (typeof features === 'object' && features !== null) {
    const given = features as Record<string, unknown>;
    const unknown = Object.keys(given).filter((k) => !p.features.includes(k));
    if (unknown.length) throw new ProtocolError(400, `${model.name} has no feature ${unknown.slice(0, 3).map((k) => JSON.stringify(k)).join(', ')}; its features are ${p.features.join(', ')}.`);
    p.features.forEach((f, i) => (raw[i] = f in given ? featureValue(given[f], f) : NaN));
  } else throw new ProtocolError(400, `${model.name} takes {"features": [${p.features.length} numbers]} or {"features": {"${p.features[0]}": ...}}.`);
  if (!p.mean || !p.std) throw new ProtocolError(400, `The export of ${model.name} has no feature statistics to standardize with.`);
  const { preprocessValues } = await import('../../src-engine/data/preprocess');
  const input: ModelInput = { kind: 'tabular', features: p.features };
  return { x: preprocessValues(input, raw, { mean: p.mean, std: p.std }), topK };
}

function featureValue(v: unknown, name: string): number {
  if (v === null) return NaN;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ProtocolError(400, `The feature ${name} is ${JSON.stringify(v)}, not a finite number (or null when missing).`);
  return v;
}

/** The top-k predictions of one sample's probabilities. */
export function topPredictions(model: ServedModel, probs: Float32Array, k: number) {
  return topK(probs, model.labels, k);
}
