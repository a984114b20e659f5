// Loads a TF.js export the way a user's program does (stock @tensorflow/tfjs-core and -layers on
// the CPU backend, the export's studio-layers.js when it ships one, the folder's model.json and
// weights files as tf.io.http reads them) and writes its predictions for the inputs it is given.
// Run in its own process by Model Studio's export verification, so nothing of the studio's own
// TF.js set-up (its kernels, its registered layers) is in play.
//   node verify-export.mjs <export-dir> <request.json>
// request.json: {"inputs": "<file>", "dtype": "float32"|"int32", "shape": [n, ...], "outputs": "<file>"}
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runInThisContext } from 'node:vm';
import * as core from '@tensorflow/tfjs-core';
import * as layers from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';

const [dir, requestFile] = process.argv.slice(2);
const req = JSON.parse(readFileSync(requestFile, 'utf8'));
const started = performance.now();
globalThis.tf = { ...core, ...layers };
const modelJson = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
try {
  runInThisContext(readFileSync(join(dir, 'studio-layers.js'), 'utf8'), { filename: 'studio-layers.js' });
} catch (err) {
  if (err.code !== 'ENOENT') throw err;
}
await core.setBackend('cpu');
const handler = {
  async load() {
    const specs = modelJson.weightsManifest.flatMap((g) => g.weights);
    const parts = modelJson.weightsManifest.flatMap((g) => g.paths.map((p) => readFileSync(join(dir, p))));
    const data = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
    let at = 0;
    for (const p of parts) {
      data.set(p, at);
      at += p.byteLength;
    }
    return { modelTopology: modelJson.modelTopology, format: modelJson.format, generatedBy: modelJson.generatedBy, convertedBy: modelJson.convertedBy, weightSpecs: specs, weightData: data.buffer };
  },
};
const model = await layers.loadLayersModel(handler);
const raw = readFileSync(join(dirname(requestFile), req.inputs));
const buf = raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength);
const all = req.dtype === 'int32' ? new Int32Array(buf) : new Float32Array(buf);
const [n, ...rest] = req.shape;
const per = rest.reduce((a, b) => a * b, 1);
const outs = [];
for (let i = 0; i < n; i += 256) {
  const m = Math.min(256, n - i);
  const x = core.tensor(all.subarray(i * per, (i + m) * per), [m, ...rest], req.dtype);
  const y = model.predict(x);
  outs.push(await y.data());
  core.dispose([x, y]);
}
const probs = new Float32Array(outs.reduce((a, o) => a + o.length, 0));
let at = 0;
for (const o of outs) {
  probs.set(o, at);
  at += o.length;
}
writeFileSync(join(dirname(requestFile), req.outputs), new Uint8Array(probs.buffer));
process.stdout.write(JSON.stringify({ runtime: `TensorFlow.js ${core.version_core} (${core.getBackend()}), stock loadLayersModel`, ms: performance.now() - started }) + '\n');
