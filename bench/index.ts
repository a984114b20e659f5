/**
 * `npm run bench`: runs every benchmark suite and prints one table of figures with the machine
 * they were measured on. A suite measures and reports; it never asserts a timing.
 * Add a suite (cli, training, compression, export, serve) by appending it to SUITES.
 */
import { baselinesSuite } from './baselines';
import { cliSuite } from './cli';
import { datasetSuite } from './dataset';
import { exportSuite } from './export';
import { serveSuite } from './serve';
import { trainingSuite } from './training';
import { trainingBrowserSuite } from './training-browser';
import { formatTable, machine, type BenchRow, type BenchSuite } from './report';

const SUITES: BenchSuite[] = [cliSuite, datasetSuite, trainingSuite, trainingBrowserSuite, exportSuite, serveSuite, baselinesSuite];

async function main(): Promise<void> {
  // `npm run bench -- dataset` runs only the named suites.
  const only = process.argv.slice(2);
  const chosen = only.length ? SUITES.filter((s) => only.includes(s.name)) : SUITES;
  const log = (line: string) => process.stderr.write(`${line}\n`);
  log(`Machine: ${machine()}`);
  const rows: BenchRow[] = [];
  for (const suite of chosen) {
    log(`Running ${suite.name}…`);
    rows.push(...(await suite.run(log)));
  }
  process.stdout.write(`Model Studio benchmarks\nMachine: ${machine()}\n\n${formatTable(rows)}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
