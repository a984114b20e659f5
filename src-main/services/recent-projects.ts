/** The recent-projects list shown on the start screen, kept in the app's data folder. */
import { mkdir, readFile, rename, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import type { RecentProject } from '../../src-shared/ipc/contract';
import { writeFileAtomic } from './atomic-write';

/** How many projects the list keeps. */
export const MAX_RECENT = 10;

const StoredEntry = z.object({ path: z.string().min(1), name: z.string(), openedAt: z.iso.datetime() });
const StoredFile = z.object({ version: z.literal(1), projects: z.array(StoredEntry) });
type StoredEntry = z.infer<typeof StoredEntry>;

/** Newest-first list of opened projects, de-duplicated by resolved path, written atomically. */
export class RecentProjectsService {
  private readonly file: string;
  // Serialises read-modify-write so two quick opens cannot lose each other's entry.
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly dataDir: string) {
    this.file = join(dataDir, 'recent-projects.json');
  }

  /** Loads the list once so a corrupt file is noticed (and moved aside) at start-up. */
  async start(): Promise<void> {
    await this.serial(() => this.load());
  }

  /** The list, newest first, with `exists` checked now. */
  async list(): Promise<RecentProject[]> {
    const entries = await this.serial(() => this.load());
    return Promise.all(entries.map(async (e) => ({ ...e, exists: await isFile(e.path) })));
  }

  /** Puts a project at the top of the list. */
  async add(path: string, name: string): Promise<void> {
    const abs = resolve(path);
    await this.serial(async () => {
      const entries = await this.load();
      const next = [{ path: abs, name, openedAt: new Date().toISOString() }, ...entries.filter((e) => resolve(e.path) !== abs)];
      await this.save(next.slice(0, MAX_RECENT));
    });
  }

  /** Removes a project from the list (its files stay). */
  async remove(path: string): Promise<void> {
    const abs = resolve(path);
    await this.serial(async () => {
      const entries = await this.load();
      const next = entries.filter((e) => resolve(e.path) !== abs);
      if (next.length !== entries.length) await this.save(next);
    });
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  // Reads the file every time: the CLI or another instance may have changed it meanwhile.
  private async load(): Promise<StoredEntry[]> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      return [];
    }
    let parsed: z.infer<typeof StoredFile> | null = null;
    try {
      const r = StoredFile.safeParse(JSON.parse(text));
      if (r.success) parsed = r.data;
    } catch {
      // Not JSON: handled below like a schema failure.
    }
    if (!parsed) {
      // Keep the damaged file for the user (or support) instead of silently dropping it.
      await rename(this.file, `${this.file}.bak`);
      return [];
    }
    return parsed.projects.slice(0, MAX_RECENT);
  }

  private async save(entries: StoredEntry[]): Promise<void> {
    await mkdir(this.dataDir, { recursive: true });
    await writeFileAtomic(this.file, `${JSON.stringify({ version: 1, projects: entries }, null, 2)}\n`);
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
