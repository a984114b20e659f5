/**
 * The files that describe an export beside the model: `labels.json` (class names in output
 * order), `preprocessing.json` (what to do to an input before the model sees it) and
 * `README.md`, a model card with its data, figures, lineage, verification and how to load it.
 */
import type { CheckpointMeta } from '../../src-shared/checkpoints/checkpoint-meta';
import type { DatasetManifest } from '../../src-shared/datasets/schema';
import type { ExportMeta } from '../../src-shared/exports/export-meta';
import { inputShape } from '../../src-shared/models/shape-inference';

/** What an input goes through before the model (the studio's own preprocessing, spelled out). */
export function preprocessingOf(meta: CheckpointMeta, manifest: DatasetManifest): Record<string, unknown> {
  const input = meta.spec.input;
  const shape = [null, ...inputShape(input)];
  if (input.kind === 'image') {
    return { kind: 'image', inputShape: shape, dtype: 'float32', layout: 'NHWC', channels: input.channels, scale: 'pixel / 255 (values 0..1)', height: input.height, width: input.width };
  }
  if (input.kind === 'text') {
    const text = manifest.input.kind === 'text' ? manifest.input : null;
    return { kind: 'text', inputShape: shape, dtype: 'int32', seqLength: input.seqLength, vocabSize: input.vocabSize, tokenizer: text?.tokenizer ?? input.tokenizer ?? null, padding: 'token id 0 after the text, cut at seqLength', vocabulary: text && 'vocab' in text ? text.vocab : null };
  }
  const stats = manifest.featureStats ?? null;
  return { kind: 'tabular', inputShape: shape, dtype: 'float32', features: input.features, standardize: '(value - mean) / std per feature; a missing value is 0', mean: stats?.map((s) => s.mean) ?? null, std: stats?.map((s) => s.std) ?? null };
}

const pct = (v: number) => `${(v * 100).toFixed(2)}%`;

/** How to load the export, in the card's words and code. */
function usage(e: ExportMeta, checkpoint: CheckpointMeta, inShape: string): string {
  const text = checkpoint.spec.input.kind === 'text';
  if (e.format === 'onnx') {
    const np = inShape.replace('batch', '1');
    return `In Python (\`pip install onnxruntime numpy\`):

\`\`\`python
import numpy as np, onnxruntime as ort
session = ort.InferenceSession("model.onnx")
x = np.zeros(${np.replace('[', '(').replace(']', ')')}, dtype=np.${text ? 'int32' : 'float32'})  # preprocessed as preprocessing.json says
probs = session.run(["probabilities"], {"input": x})[0]
\`\`\`

In JavaScript (\`npm install onnxruntime-node\`, or onnxruntime-web in a page):

\`\`\`js
const ort = require('onnxruntime-node');
(async () => {
  const session = await ort.InferenceSession.create('model.onnx');
  const out = await session.run({ input: new ort.Tensor('${text ? 'int32' : 'float32'}', input, ${np}) });
  console.log(out.probabilities.data);
})();
\`\`\`
`;
  }
  const custom = e.modelFiles.includes('studio-layers.js');
  return `In the browser, with \`@tensorflow/tfjs\` loaded:

\`\`\`js
${custom ? "// The studio's own layers first (this model uses them):\n// <script src=\"studio-layers.js\"></script>\n" : ''}const model = await tf.loadLayersModel('model.json');
const probs = model.predict(tf.tensor(input, ${inShape.replace('batch', '1')}${text ? ", 'int32'" : ''}));
\`\`\`

In Node (\`npm install @tensorflow/tfjs\`):

\`\`\`js
globalThis.tf = require('@tensorflow/tfjs');
${custom ? "require('./studio-layers.js');\n" : ''}const fs = require('fs');
(async () => {
  const json = JSON.parse(fs.readFileSync('model.json', 'utf8'));
  const weights = fs.readFileSync('group1-shard1of1.bin');
  const model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData: new Uint8Array(weights).buffer }));
  model.predict(tf.tensor(input, ${inShape.replace('batch', '1')}${text ? ", 'int32'" : ''})).print();
})();
\`\`\`
`;
}

/** The model card. */
export function modelCard(e: ExportMeta, checkpoint: CheckpointMeta, manifest: DatasetManifest, lineage: string[]): string {
  const v = e.verification;
  const inShape = `[batch, ${inputShape(checkpoint.spec.input).join(', ')}]`;
  const what = e.format === 'onnx' ? `ONNX model (IR 8, opset 13, ${e.precision}; input \`input\`, output \`probabilities\`)` : `TensorFlow.js layers model (${e.precision} weights)`;
  const speed = v.latencyMs !== null && v.throughput !== null ? ` onnxruntime ran it at ${v.latencyMs.toFixed(3)} ms per sample at batch 1 and ${Math.round(v.throughput).toLocaleString('en')} samples/s at batch 256 on the exporting machine.` : '';
  return `# ${e.name}

${what} exported by ${e.generatedBy} on ${e.createdAt.slice(0, 10)}.

- Model: ${checkpoint.spec.name} (${checkpoint.spec.layers.length} layers${checkpoint.spec.template ? `, from the ${checkpoint.spec.template} template` : ''}), checkpoint ${checkpoint.name} (${checkpoint.id}).
- Data: ${manifest.name}, ${manifest.classNames.length} classes (labels.json, in output order).
- Input: ${inShape}${checkpoint.spec.input.kind === 'image' ? ' (NHWC, as the studio takes it)' : ''}, ${checkpoint.spec.input.kind === 'text' ? 'int32 token ids' : 'float32'}; see preprocessing.json for what to do to an input first.
- Output: [batch, ${manifest.classNames.length}] class probabilities (softmax).
- Files: ${e.modelFiles.join(', ')} (${(e.sizeBytes / 1024).toFixed(1)} KB).
${lineage.length ? `- Lineage: ${lineage.join(' → ')}.\n` : ''}
## Verification

Loaded by ${v.runtime} and run on ${v.samples} ${v.split} samples, against the studio's own predictions of the checkpoint:
top-1 agreement ${pct(v.agreement)} (at least ${pct(v.minAgreement)} required), largest probability difference ${v.maxAbsDiff.toExponential(2)}${v.maxDiffBound < 1 ? ` (at most ${v.maxDiffBound} allowed)` : ''}, accuracy ${pct(v.accuracy)} (studio: ${pct(v.studioAccuracy)}). Result: **${e.status}**.${speed}

## Use it

${usage(e, checkpoint, inShape)}`;
}
