/**
 * Helpers the model, run and checkpoint stores share: ids, the client's open project, JSON files
 * validated against their schema, and per-key serial queues.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { StudioError } from '../../src-shared/errors';
import type { ProjectView } from '../../src-shared/ipc/contract';
import type { ProjectService } from '../services/project-service';

/** A new id: the prefix, a dash and 8 random lowercase base36 characters (e.g. `md-0k3x9a2b`). */
export function newEntityId(prefix: 'md' | 'rn' | 'ck'): string {
  return `${prefix}-` + [...randomBytes(8)].map((b) => (b % 36).toString(36)).join('');
}

/** The client's open project; NO_PROJECT_OPEN when it has none. */
export function requireProject(projects: Pick<ProjectService, 'current'>, clientId: string): ProjectView {
  const view = projects.current(clientId);
  if (!view) throw new StudioError('NO_PROJECT_OPEN', 'No project is open in this window.');
  return view;
}

/** The project manifest entry of kind `kind` with this id; NOT_FOUND when the project has none. */
export function requireEntry(view: ProjectView, kind: 'models' | 'runs' | 'checkpoints' | 'datasets', id: string, what: string) {
  const entry = view.manifest[kind].find((e) => e.id === id);
  if (!entry) throw new StudioError('NOT_FOUND', `No ${what} ${id} in this project.`, { id });
  return entry;
}

/**
 * Reads a JSON file and validates it: NOT_FOUND when it is missing, IO_ERROR when it cannot be
 * read, is not JSON or does not match the schema.
 */
export async function readJsonFile<S extends z.ZodType>(path: string, schema: S, what: string): Promise<z.output<S>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new StudioError('NOT_FOUND', `${what} is missing.`, { path });
    throw new StudioError('IO_ERROR', `Cannot read ${what}: ${(err as Error).message}`, { path });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new StudioError('IO_ERROR', `${what} is not valid JSON.`, { path });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new StudioError('IO_ERROR', `${what} is invalid: ${issue ? `${issue.path.join('.')} ${issue.message}` : ''}`, { path });
  }
  return parsed.data;
}

/** Runs operations on the same key one after another (appends and rewrites of one run). */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    const result = prev.then(fn, fn);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Resolves when every queued operation has ended. */
  async idle(): Promise<void> {
    while (this.tails.size) await Promise.all([...this.tails.values()]);
  }
}

/** A StudioError for a problem with one request field, as dispatch reports schema failures. */
export function badField(path: string, message: string): StudioError {
  return new StudioError('BAD_REQUEST', `${path} ${message}`, [{ path, message }]);
}
