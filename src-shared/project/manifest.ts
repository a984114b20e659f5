import { z } from 'zod';
import { StudioError } from '../errors';
import { say } from '../messages/message';
import { parseJsonBounded } from '../json-depth';
import { migrate, MigrationGapError, type MigrationStep } from './migrate';
import { relativePathIssue } from './names';
import { ProjectManifestV1 } from './v1';

/** The format version this build writes. */
export const CURRENT_FORMAT_VERSION = 1;

/** The schema of the current format version. */
export const ProjectManifest = ProjectManifestV1;
export type ProjectManifest = ProjectManifestV1;

/** Ordered steps from each older version to the next; v1 is the first format, so none yet. */
export const MIGRATIONS: readonly MigrationStep[] = [];

/** The lists of stored things a manifest keeps, in the order the UI shows them. */
export const ENTRY_KINDS = ['datasets', 'models', 'runs', 'checkpoints', 'exports', 'baselines'] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

/** A loaded manifest and whether it was migrated from an older format version. */
export interface ParsedManifest {
  manifest: ProjectManifest;
  migratedFrom: number | null;
}

function formatIssues(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((issue) => ({
    path: issue.path.length ? issue.path.join('.') : '(root)',
    message: issue.message,
  }));
}

/**
 * Parses the text of a `.mstudio` file: JSON, format version, migrations, schema, and paths that
 * must stay inside the project folder. Throws a StudioError whose message names the problem.
 */
export function parseProjectText(text: string, fileName?: string): ParsedManifest {
  // "The project file Digits.mstudio", said in the UI's language inside the messages below.
  const label = fileName ? say('errors.integrity.projectFile', { file: fileName }) : say('errors.integrity.projectFileUnnamed');
  const file = fileName ?? '(unnamed)';
  let raw: unknown;
  try {
    raw = parseJsonBounded(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (err) {
    throw StudioError.say('PROJECT_NOT_JSON', say('errors.integrity.projectNotJson', { label, reason: (err as Error).message }));
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw StudioError.say('PROJECT_INVALID', say('errors.integrity.projectNotObject', { label }));
  }
  const doc = raw as Record<string, unknown>;
  if (doc.format !== 'model-studio/project') {
    throw StudioError.say('PROJECT_INVALID', say('errors.projectNotStudio', { file }));
  }
  const version = doc.formatVersion;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw StudioError.say('PROJECT_INVALID', say('errors.projectNoVersion', { file }));
  }
  if (version > CURRENT_FORMAT_VERSION) {
    throw StudioError.say('PROJECT_TOO_NEW', say('errors.projectTooNew', { file, version: String(version), supported: String(CURRENT_FORMAT_VERSION) }), {
      formatVersion: version,
      supported: CURRENT_FORMAT_VERSION,
    });
  }
  let migrated = doc;
  if (version < CURRENT_FORMAT_VERSION) {
    try {
      migrated = migrate(doc, version, CURRENT_FORMAT_VERSION, MIGRATIONS).doc;
    } catch (err) {
      if (err instanceof MigrationGapError) {
        throw StudioError.say('PROJECT_INVALID', say('errors.projectCannotUpgrade', { file, version: String(version) }));
      }
      throw err;
    }
  }
  const parsed = ProjectManifest.safeParse(migrated);
  if (!parsed.success) {
    const issues = formatIssues(parsed.error);
    const first = issues[0]!;
    // The problem is zod's, in English; where it is stays a JSON path.
    const where = { label, path: first.path, problem: first.message };
    const said =
      issues.length === 1
        ? say('errors.integrity.projectDamaged', where)
        : issues.length === 2
          ? say('errors.integrity.projectDamagedOneMore', where)
          : say('errors.integrity.projectDamagedMore', { ...where, more: String(issues.length - 1) });
    throw StudioError.say('PROJECT_INVALID', said, { issues });
  }
  for (const kind of ENTRY_KINDS) {
    parsed.data[kind].forEach((entry, i) => {
      const problem = relativePathIssue(entry.dir);
      if (problem) {
        throw StudioError.say('PROJECT_PATH_ESCAPES', say('errors.paths.entryEscapes', { label, field: `${kind}.${i}.dir`, dir: entry.dir, problem }), {
          kind,
          index: i,
          dir: entry.dir,
        });
      }
    });
  }
  // Every service finds an entry by its id: a second entry with the same id would be unreachable
  // and removing one would remove both.
  const seen = new Map<string, string>();
  for (const kind of ENTRY_KINDS) {
    parsed.data[kind].forEach((entry, i) => {
      const first = seen.get(entry.id);
      if (first) {
        throw StudioError.say('PROJECT_INVALID', say('errors.integrity.projectIdTwice', { label, id: entry.id, first, second: `${kind}.${i}` }), { id: entry.id });
      }
      seen.set(entry.id, `${kind}.${i}`);
    });
  }
  return { manifest: parsed.data, migratedFrom: version < CURRENT_FORMAT_VERSION ? version : null };
}

/** A new, empty manifest for a project called `name`. */
export function createManifest(name: string, opts: { id: string; now: Date; appVersion: string }): ProjectManifest {
  const at = opts.now.toISOString();
  return ProjectManifest.parse({
    format: 'model-studio/project',
    formatVersion: CURRENT_FORMAT_VERSION,
    id: opts.id,
    name,
    createdAt: at,
    updatedAt: at,
    savedWith: `model-studio ${opts.appVersion}`,
    datasets: [],
    models: [],
    runs: [],
    checkpoints: [],
    exports: [],
    baselines: [],
  });
}

/** The manifest as it is written to disk: stable key order, two-space indent, trailing newline. */
export function serializeManifest(manifest: ProjectManifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}
