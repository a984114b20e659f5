import { resolve } from 'node:path';
import { ENTRY_KINDS } from '../../../src-shared/project/manifest';
import type { ProjectView } from '../../../src-shared/ipc/contract';
import { loadProjectFile } from '../../services/project-files';
import { EXIT, type CliCommand } from '../command';

const KIND_LABELS: Record<(typeof ENTRY_KINDS)[number], string> = {
  datasets: 'Datasets',
  models: 'Models',
  runs: 'Training runs',
  checkpoints: 'Checkpoints',
  exports: 'Exports',
  baselines: 'Baselines',
};

/** The human-readable summary `info` prints. */
export function formatProjectInfo(view: ProjectView): string {
  const m = view.manifest;
  const rows: [string, string][] = [
    ['Name', m.name],
    ['File', view.path],
    ['Format version', view.migratedFrom === null ? String(m.formatVersion) : `${m.formatVersion} (file is version ${view.migratedFrom}; upgraded when opened in the app)`],
    ['Id', m.id],
    ['Created', m.createdAt],
    ['Updated', m.updatedAt],
    ['Saved with', m.savedWith],
  ];
  for (const kind of ENTRY_KINDS) {
    const entries = m[kind];
    const names = entries.map((e) => e.name).join(', ');
    rows.push([KIND_LABELS[kind], entries.length === 0 ? '0' : `${entries.length}: ${names}`]);
  }
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  return rows.map(([label, value]) => `${`${label}:`.padEnd(width)}${value}`).join('\n') + '\n';
}

/** `model-studio info <project.mstudio> [--json]`: describes a project without changing it. */
export const infoCommand: CliCommand = {
  name: 'info',
  summary: 'Show what a project holds (read-only)',
  usage: `model-studio info <project.mstudio> [--json]

Prints the project's name, format version, id, dates and its datasets, models, training runs,
checkpoints, exports and baselines. The file is only read: no lock is taken and nothing is written.
  --json   print the project as JSON ({path, dir, manifest, migratedFrom})`,
  options: { json: { type: 'boolean' } },
  positionals: 1,
  async run({ values, positionals, io }) {
    const view = await loadProjectFile(resolve(io.cwd, positionals[0]!));
    io.stdout(values.json ? `${JSON.stringify(view, null, 2)}\n` : formatProjectInfo(view));
    return EXIT.ok;
  },
};
