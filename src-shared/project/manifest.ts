import { z } from 'zod';
import { StudioError } from '../errors';
import { say } from '../messages/message';
import { parseJsonBounded } from '../json-depth';
import { migrate, MigrationGapError, type MigrationStep } from './migrate';
import { relativePathProblem } from './names';
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
  const fileLabel = fileName ? `The project file ${fileName}` : 'The project file';
  const file = fileName ?? '(unnamed)';
  let raw: unknown;
  try {
    raw = parseJsonBounded(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (err) {
    throw new StudioError('PROJECT_NOT_JSON', `${fileLabel} is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new StudioError('PROJECT_INVALID', `${fileLabel} does not hold a JSON object.`);
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
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : '';
    throw new StudioError('PROJECT_INVALID', `${fileLabel} is damaged: ${first.path}: ${first.message}${more}.`, { issues });
  }
  for (const kind of ENTRY_KINDS) {
    parsed.data[kind].forEach((entry, i) => {
      const problem = relativePathProblem(entry.dir);
      if (problem) {
        throw new StudioError(
          'PROJECT_PATH_ESCAPES',
          `${fileLabel} points outside its folder: ${kind}.${i}.dir "${entry.dir}" ${problem}.`,
          { kind, index: i, dir: entry.dir },
        );
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
        throw new StudioError('PROJECT_INVALID', `${fileLabel} is damaged: the id ${entry.id} is used twice, by ${first} and ${kind}.${i}.`, { id: entry.id });
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
