/**
 * How fast the `model-studio` command starts: `--version` and `--help`, median of 5 runs each,
 * from the built bundle (out/cli/model-studio.mjs, what the package ships; `npm run build`)
 * and from the TypeScript sources through tsx (bin/model-studio.js, what `npm install` gives).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { BenchRow, BenchSuite } from './report';

const SUITE = 'cli';
const BUNDLE = 'out/cli/model-studio.mjs';
const SOURCES = 'bin/model-studio.js';
const RUNS = 5;

function medianSeconds(args: string[]): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
    times.push((performance.now() - t0) / 1000);
    if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr.trim()}`);
  }
  return times.sort((a, b) => a - b)[Math.floor(RUNS / 2)]!;
}

async function run(log: (line: string) => void): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const entries: [string, string][] = [['bundle', BUNDLE], ['tsx sources', SOURCES]];
  for (const [label, file] of entries) {
    if (!existsSync(file)) {
      rows.push({ suite: SUITE, name: `${label}: skipped`, value: 0, unit: '-', note: `${file} is missing: run "npm run build" first` });
      continue;
    }
    for (const arg of ['--version', '--help']) {
      const s = medianSeconds([file, arg]);
      log(`  ${label} ${arg}: ${s.toFixed(3)} s`);
      rows.push({ suite: SUITE, name: `model-studio ${arg} (${label})`, value: s, unit: 's', note: `median of ${RUNS}, node ${file}${arg === '--version' && label === 'bundle' ? '; goal well under 0.5 s' : ''}` });
    }
  }
  return rows;
}

/** The CLI start-up suite of `npm run bench` (`npm run bench -- cli`). */
export const cliSuite: BenchSuite = { name: SUITE, run };
