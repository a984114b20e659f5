/** How `model-studio dataset list|show` print dataset manifests for people. */
import type { DamagedDataset, DatasetManifest, InputSpec } from '../../../src-shared/datasets/schema';
import { textOf } from '../../../src-shared/messages/message';

/** The shape of one sample, e.g. `28x28x1 uint8` or `256 int32 tokens (word, vocabulary 20000)`. */
export function describeInput(input: InputSpec): string {
  if (input.kind === 'image') return `${input.height}x${input.width}x${input.channels} ${input.dtype} (${input.channels === 1 ? 'grayscale' : 'RGB'})`;
  if (input.kind === 'text') return `${input.seqLength} ${input.dtype} tokens (${input.tokenizer} level, vocabulary ${input.vocabSize})`;
  return `${input.features.length} ${input.dtype} features`;
}

/** Aligned columns: the first `textColumns` left-aligned, the numbers after them right-aligned. */
function table(rows: string[][], textColumns = 1): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c < textColumns ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ').trimEnd()).join('\n');
}

/** One line per dataset: id, name, kind, samples, classes; then the damaged ones with why. */
export function formatDatasetList(manifests: DatasetManifest[], damaged: DamagedDataset[] = []): string {
  if (manifests.length === 0 && damaged.length === 0) return 'No datasets.\n';
  const rows = [['ID', 'NAME', 'KIND', 'SAMPLES', 'CLASSES']];
  for (const m of manifests) rows.push([m.id, m.name, m.kind, String(m.count), String(m.classNames.length)]);
  const lines = manifests.length ? [table(rows, 3)] : [];
  if (damaged.length) {
    lines.push(`Damaged (remove with: model-studio dataset remove <project> <id> --yes):`);
    for (const d of damaged) lines.push(`  ${d.id}  ${d.name}: ${d.reason}`);
  }
  return lines.join('\n') + '\n';
}

/** Everything `dataset show` prints: source, shape, splits, class counts per split and the import report. */
export function formatDatasetShow(m: DatasetManifest): string {
  const lines = [
    `Name:     ${m.name}`,
    `Id:       ${m.id}`,
    `Kind:     ${m.kind}`,
    `Shape:    ${describeInput(m.input)}`,
    `Samples:  ${m.count}`,
    `Source:   ${m.source.type}: ${textOf(m.source.description)}`,
    `Created:  ${m.createdAt}`,
    `Split:    seed ${m.split.seed}, validation ${m.split.validationFraction}, ` +
      (m.split.testFromSource ? 'test set from the source' : `test ${m.split.testFraction}`),
    '',
    table([
      ['CLASS', 'TRAIN', 'VALIDATION', 'TEST'],
      ...m.classNames.map((name, c) => [name, ...(['train', 'validation', 'test'] as const).map((s) => String(m.splits[s].classCounts[c] ?? 0))]),
      ['total', String(m.splits.train.count), String(m.splits.validation.count), String(m.splits.test.count)],
    ]),
    '',
  ];
  if (m.featureStats) {
    lines.push(table([['FEATURE', 'MIN', 'MAX', 'MEAN', 'STD', 'MISSING'], ...m.featureStats.map((f) => [f.name, num(f.min), num(f.max), num(f.mean), num(f.std), String(f.missing)])]), '');
  }
  const r = m.report;
  lines.push(`Report:   ${r.imported} imported, ${r.skippedTotal} skipped, ${(r.durationMs / 1000).toFixed(1)} s`);
  for (const s of r.skipped) lines.push(`  skipped ${s.item}: ${textOf(s.reason)}`);
  if (r.skippedTotal > r.skipped.length) lines.push(`  … and ${r.skippedTotal - r.skipped.length} more`);
  for (const w of r.warnings) lines.push(`  warning: ${textOf(w)}`);
  return lines.join('\n') + '\n';
}

function num(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toPrecision(4);
}
