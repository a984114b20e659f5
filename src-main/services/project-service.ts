/**
 * The open projects, one per client (window or socket): open, create, autosave, close. It holds
 * each project's lock while it is open and writes only through atomic replaces.
 */
import { access, writeFile } from 'node:fs/promises';
import { say } from '../../src-shared/messages/message';
import { StudioError } from '../../src-shared/errors';
import type { ProjectView } from '../../src-shared/ipc/contract';
import { ProjectManifest, serializeManifest } from '../../src-shared/project/manifest';
import type { EventBus } from '../ipc/event-bus';
import { writeFileAtomic } from './atomic-write';
import { createProjectFiles, readProjectFile } from './project-files';
import { ProjectLock } from './project-lock';
import type { RecentProjectsService } from './recent-projects';
import { ioFailure } from './io-errors';

/** What the project service needs from the rest of the app. */
export interface ProjectServiceDeps {
  events: EventBus;
  recent: RecentProjectsService;
  appVersion: string;
  /** Delay between the last change and the autosave; short so a crash loses little. */
  autosaveDelayMs?: number;
  /**
   * Runs under the new lock before a project is shown, e.g. to tidy what a crash left behind. It
   * may return manifest changes (applied to the manifest, then autosaved).
   */
  onOpen?: (view: ProjectView) => Promise<((m: ProjectManifest) => void) | void>;
}

interface Session {
  clientId: string;
  view: ProjectView;
  lock: ProjectLock;
  dirty: boolean;
  timer: NodeJS.Timeout | null;
  /** The write in progress, so saves never overlap. */
  writing: Promise<void>;
}

/** Opens, saves and closes projects for each client, one project per client. */
export class ProjectService {
  private readonly sessions = new Map<string, Session>();
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly delay: number;

  constructor(private readonly deps: ProjectServiceDeps) {
    this.delay = deps.autosaveDelayMs ?? 200;
  }

  async start(): Promise<void> {}

  /** Creates a new project folder and opens it for the client; `makeParent` creates a missing parent folder too. */
  create(name: string, parentDir: string, clientId: string, opts: { makeParent?: boolean } = {}): Promise<ProjectView> {
    return this.serial(clientId, async () => {
      const view = await createProjectFiles(parentDir, name, this.deps.appVersion, opts);
      return this.openNow(view.path, clientId);
    });
  }

  /** Opens a project file (or a folder holding one) for the client, closing its previous one. */
  open(path: string, clientId: string): Promise<ProjectView> {
    return this.serial(clientId, () => this.openNow(path, clientId));
  }

  /** The client's open project, or null. */
  current(clientId: string): ProjectView | null {
    return this.sessions.get(clientId)?.view ?? null;
  }

  /** Saves and closes the client's project and releases its lock. */
  close(clientId: string): Promise<void> {
    return this.serial(clientId, () => this.closeNow(clientId, true));
  }

  /** The client is gone: save what can be saved, then close and unlock regardless. */
  disconnect(clientId: string): Promise<void> {
    return this.serial(clientId, () => this.closeNow(clientId, false));
  }

  /** Applies a change to the client's manifest and schedules an autosave. */
  update(clientId: string, mutate: (m: ProjectManifest) => void): Promise<ProjectView> {
    return this.serial(clientId, async () => {
      const s = this.sessions.get(clientId);
      if (!s) throw StudioError.say('NO_PROJECT_OPEN', say('errors.noProjectOpen'));
      const draft = structuredClone(s.view.manifest);
      mutate(draft);
      draft.updatedAt = new Date().toISOString();
      draft.savedWith = `model-studio ${this.deps.appVersion}`;
      // A change that would make the file unreadable is refused here rather than written.
      const checked = ProjectManifest.safeParse(draft);
      if (!checked.success) {
        throw new StudioError('INTERNAL', `Refused a change that breaks the project file: ${checked.error.issues[0]?.message ?? 'invalid'}`);
      }
      s.view = { ...s.view, manifest: checked.data };
      s.dirty = true;
      this.schedule(s);
      this.emit(clientId, s.view);
      return s.view;
    });
  }

  /** Writes pending changes of every open project now. */
  async flushAll(): Promise<void> {
    await Promise.all([...this.sessions.values()].map((s) => this.flush(s)));
  }

  /** Saves and closes every project and releases every lock. */
  async stop(): Promise<void> {
    await Promise.all([...this.sessions.keys()].map((id) => this.serial(id, () => this.closeNow(id, false))));
  }

  private async openNow(input: string, clientId: string): Promise<ProjectView> {
    // Validate before locking: a bad file is reported without touching the folder at all.
    const first = await readProjectFile(input);
    const path = first.view.path;
    const mine = this.sessions.get(clientId);
    if (mine && mine.view.path === path) return mine.view;
    for (const s of this.sessions.values()) {
      if (s.clientId !== clientId && s.view.path === path) {
        throw StudioError.say('PROJECT_LOCKED', say('errors.openInOtherWindow', { name: first.view.manifest.name }), { path });
      }
    }
    if (mine) await this.closeNow(clientId, true);
    const lock = await ProjectLock.acquire(first.view.dir);
    let loaded;
    let repair: ((m: ProjectManifest) => void) | void = undefined;
    try {
      // Read again under the lock: the first read may predate another process's last save.
      loaded = await readProjectFile(path);
      if (loaded.view.migratedFrom !== null) await this.saveMigrated(loaded.view, loaded.text);
      repair = await this.deps.onOpen?.(loaded.view);
    } catch (err) {
      await lock.release();
      throw err;
    }
    const session: Session = { clientId, view: loaded.view, lock, dirty: false, timer: null, writing: Promise.resolve() };
    if (repair) {
      const manifest = structuredClone(loaded.view.manifest);
      repair(manifest);
      session.view = { ...session.view, manifest: ProjectManifest.parse(manifest) };
      session.dirty = true;
      this.schedule(session);
    }
    this.sessions.set(clientId, session);
    await this.deps.recent.add(path, loaded.view.manifest.name).catch((err: unknown) => {
      console.error('Could not update the recent-projects list:', err);
    });
    this.emit(clientId, session.view);
    return session.view;
  }

  /** Keeps the old bytes as `<file>.v<old>.bak`, then writes the upgraded manifest. */
  private async saveMigrated(view: ProjectView, originalText: string): Promise<void> {
    let backup = `${view.path}.v${view.migratedFrom}.bak`;
    if (await exists(backup)) backup = `${view.path}.v${view.migratedFrom}.${Date.now()}.bak`;
    try {
      await writeFile(backup, originalText, { flag: 'wx' });
      await writeFileAtomic(view.path, serializeManifest(view.manifest));
    } catch (err) {
      throw ioFailure(err, view.path) ?? StudioError.say('IO_ERROR', say('errors.paths.cannot.upgrade', { path: view.path, reason: (err as Error).message }), { path: view.path });
    }
  }

  private async closeNow(clientId: string, strict: boolean): Promise<void> {
    const s = this.sessions.get(clientId);
    if (!s) return;
    try {
      await this.flush(s);
    } catch (err) {
      // On an explicit Close the window stays open so the user can retry; at quit we must let go.
      if (strict) throw err;
      console.error(`Could not save ${s.view.path} while closing:`, err);
    }
    this.sessions.delete(clientId);
    await s.lock.release().catch((err: unknown) => console.error('Could not remove the lock file:', err));
    this.emit(clientId, null);
  }

  private schedule(s: Session): void {
    if (s.timer) clearTimeout(s.timer);
    s.timer = setTimeout(() => {
      s.timer = null;
      this.flush(s).catch((err: unknown) => console.error(`Autosave of ${s.view.path} failed:`, err));
    }, this.delay);
  }

  private flush(s: Session): Promise<void> {
    if (s.timer) {
      clearTimeout(s.timer);
      s.timer = null;
    }
    s.writing = s.writing
      .catch(() => undefined)
      .then(async () => {
        if (!s.dirty) return;
        s.dirty = false;
        try {
          await writeFileAtomic(s.view.path, serializeManifest(s.view.manifest));
        } catch (err) {
          s.dirty = true;
          throw ioFailure(err, s.view.path) ?? StudioError.say('IO_ERROR', say('errors.paths.cannot.save', { path: s.view.path, reason: (err as Error).message }), { path: s.view.path });
        }
      });
    return s.writing;
  }

  private emit(clientId: string, view: ProjectView | null): void {
    this.deps.events.emit('project:changed', view, { clientId });
  }

  /** Runs one client's operations in order, so a quick Open after Close cannot interleave. */
  private serial<T>(clientId: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.queues.get(clientId) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.queues.set(clientId, tail);
    void tail.then(() => {
      if (this.queues.get(clientId) === tail) this.queues.delete(clientId);
    });
    return run;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

