/**
 * Bundles the studio's custom TF.js layers (src-engine/layers/standalone.ts) into one plain
 * script, `resources/tfjs/studio-layers.js`, that uses the global `tf` in place of the tfjs
 * packages: a TF.js export ships it so stock TF.js loads the model. `npm run build:layers`
 * writes it; `--check` exits 1 when the committed file is not what the sources make.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

export const STUDIO_LAYERS_FILE = fileURLToPath(new URL('../resources/tfjs/studio-layers.js', import.meta.url));
const ENTRY = fileURLToPath(new URL('../src-engine/layers/standalone.ts', import.meta.url));

const HEADER = `/*
 * Model Studio's custom TensorFlow.js layers (MultiHeadAttention, TokenAndPositionEmbedding,
 * PatchEmbedding, SequenceMeanPool, LayerNorm, StudioFakeQuant), registered with the global \`tf\`.
 * Load @tensorflow/tfjs first (in Node: globalThis.tf = require('@tensorflow/tfjs')), then this
 * file, then tf.loadLayersModel('model.json'). Generated from the studio's sources; do not edit.
 */`;

/** The tfjs packages the layers import, resolved to the global `tf`. */
const globalTf: Plugin = {
  name: 'global-tf',
  setup(b) {
    b.onResolve({ filter: /^@tensorflow\/tfjs-(core|layers)$/ }, (args) => ({ path: args.path, namespace: 'global-tf' }));
    b.onLoad({ filter: /.*/, namespace: 'global-tf' }, () => ({
      contents: "if (typeof globalThis.tf === 'undefined') throw new Error('Load @tensorflow/tfjs before studio-layers.js'); module.exports = globalThis.tf;",
      loader: 'js',
    }));
  },
};

/** The bundle's text. */
export async function bundleStudioLayers(): Promise<string> {
  const out = await build({
    entryPoints: [ENTRY],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'neutral',
    target: 'es2020',
    banner: { js: HEADER },
    legalComments: 'none',
    plugins: [globalTf],
    logLevel: 'silent',
  });
  return out.outputFiles[0]!.text;
}

async function main(): Promise<void> {
  const text = await bundleStudioLayers();
  if (process.argv.includes('--check')) {
    const current = await readFile(STUDIO_LAYERS_FILE, 'utf8').catch(() => '');
    if (current !== text) {
      process.stderr.write(`${STUDIO_LAYERS_FILE} is out of date: run npm run build:layers\n`);
      process.exitCode = 1;
    }
    return;
  }
  await writeFile(STUDIO_LAYERS_FILE, text);
  process.stdout.write(`wrote ${STUDIO_LAYERS_FILE} (${text.length} bytes)\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
