/**
 * Models of each client's open project: `models/<id>/spec.json` holds the validated ModelSpec,
 * the project manifest an entry {id, name, createdAt, updatedAt, dir, template, datasetId}.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { StudioError } from '../../src-shared/errors';
import type { ProjectView } from '../../src-shared/ipc/contract';
import type { ModelView } from '../../src-shared/ipc/training-contract';
import { ModelSpec } from '../../src-shared/models/spec';
import type { ProjectEntryV1 } from '../../src-shared/project/v1';
import { writeFileAtomic } from '../services/atomic-write';
import type { ProjectService } from '../services/project-service';
import { removeStagedFolder } from '../services/staged-folder';
import { KeyedQueue } from '../services/keyed-queue';
import { newEntityId } from '../services/entity-ids';
import { readJsonFile } from '../services/json-file';
import { projectPath } from '../services/project-paths';
import { noEntryError, requireEntry, requireProject } from '../services/open-project';
import { say } from '../../src-shared/messages/message';

export const MODELS_DIR = 'models';
const SPEC_FILE = 'spec.json';

/** `models/<id>` relative to the project folder. */
export function modelRelDir(id: string): string {
  return `${MODELS_DIR}/${id}`;
}

/** Reads and validates `models/<id>/spec.json`. */
export async function readModelSpec(projectDir: string, id: string): Promise<ModelSpec> {
  return readJsonFile(await projectPath(projectDir, MODELS_DIR, id, SPEC_FILE), ModelSpec, say('files.modelSpec', { id }));
}

function toView(entry: ProjectEntryV1, spec: ModelSpec): ModelView {
  return {
    id: entry.id,
    name: entry.name,
    template: spec.template,
    datasetId: typeof entry.datasetId === 'string' ? entry.datasetId : null,
    spec,
    createdAt: entry.createdAt,
    updatedAt: typeof entry.updatedAt === 'string' ? entry.updatedAt : entry.createdAt,
  };
}

/** What the model service needs. */
export interface ModelServiceDeps {
  projects: ProjectService;
}

/** Creates, edits and removes the models of the projects open in the studio. */
export class ModelService {
  private readonly queue = new KeyedQueue();

  constructor(private readonly deps: ModelServiceDeps) {}

  /** Waits for writes in progress. */
  async stop(): Promise<void> {
    await this.queue.idle();
  }

  /** The client's models in project order; an unreadable one is left out and logged. */
  async list(clientId: string): Promise<ModelView[]> {
    const view = requireProject(this.deps.projects, clientId);
    const out: ModelView[] = [];
    for (const entry of view.manifest.models) {
      try {
        out.push(toView(entry, await readModelSpec(view.dir, entry.id)));
      } catch (err) {
        console.error(`Skipping model ${entry.name}:`, (err as Error).message);
      }
    }
    return out;
  }

  /** One model. */
  async get(clientId: string, id: string): Promise<ModelView> {
    const view = requireProject(this.deps.projects, clientId);
    const entry = requireEntry(view, 'models', id);
    return toView(entry, await readModelSpec(view.dir, id));
  }

  /** Adds a model; the spec's name becomes `name`. */
  async create(clientId: string, req: { name: string; spec: ModelSpec; datasetId?: string | undefined }): Promise<ModelView> {
    const view = requireProject(this.deps.projects, clientId);
    if (req.datasetId !== undefined) requireEntry(view, 'datasets', req.datasetId);
    const id = newEntityId('md');
    const spec = ModelSpec.parse({ ...req.spec, name: req.name });
    // Checked before anything is made: models/ itself may be a link (project-paths.ts).
    const dir = await projectPath(view.dir, MODELS_DIR, id);
    await mkdir(dir, { recursive: true });
    const createdAt = new Date().toISOString();
    try {
      await writeFileAtomic(join(dir, SPEC_FILE), JSON.stringify(spec, null, 2));
      await this.deps.projects.update(clientId, (m) => {
        if (m.id !== view.manifest.id) throw new StudioError('CANCELLED', 'The project was closed while the model was being saved.');
        m.models.push({
          id,
          name: req.name,
          createdAt,
          updatedAt: createdAt,
          dir: modelRelDir(id),
          template: spec.template,
          ...(req.datasetId !== undefined ? { datasetId: req.datasetId } : {}),
        });
      });
    } catch (err) {
      await rm(dir, { recursive: true, force: true }).catch(() => undefined);
      throw err;
    }
    return this.get(clientId, id);
  }

  /** Renames a model, replaces its spec (atomically) or changes its dataset. */
  update(clientId: string, req: { id: string; name?: string | undefined; spec?: ModelSpec | undefined; datasetId?: string | null | undefined }): Promise<ModelView> {
    return this.queue.run(req.id, async () => {
      const view = requireProject(this.deps.projects, clientId);
      const entry = requireEntry(view, 'models', req.id);
      if (req.datasetId) requireEntry(view, 'datasets', req.datasetId);
      const name = req.name ?? entry.name;
      const current = req.spec ?? (await readModelSpec(view.dir, req.id));
      const spec = ModelSpec.parse({ ...current, name });
      await writeFileAtomic(await projectPath(view.dir, MODELS_DIR, req.id, SPEC_FILE), JSON.stringify(spec, null, 2));
      const updatedAt = new Date().toISOString();
      await this.deps.projects.update(clientId, (m) => {
        const e = m.models.find((x) => x.id === req.id);
        if (!e) throw noEntryError('models', req.id);
        e.name = name;
        e.updatedAt = updatedAt;
        e.template = spec.template;
        if (req.datasetId === null) delete e.datasetId;
        else if (req.datasetId !== undefined) e.datasetId = req.datasetId;
      });
      return this.get(clientId, req.id);
    });
  }

  /** Removes a model; runs and checkpoints keep their own copy of its spec. */
  remove(clientId: string, id: string): Promise<void> {
    return this.queue.run(id, async () => {
      const view = requireProject(this.deps.projects, clientId);
      requireEntry(view, 'models', id);
      await this.deps.projects.update(clientId, (m) => {
        m.models = m.models.filter((e) => e.id !== id);
      });
      // The entry leaves the file before the folder goes, so a crash leaves at worst an unused folder.
      await this.deps.projects.flushAll();
      await removeFolder(view, MODELS_DIR, id);
    });
  }
}

/** Deletes `<kind>/<id>` (renamed aside first, so a half-deleted folder never has the real name). */
export async function removeFolder(view: Pick<ProjectView, 'dir'>, kindDir: string, id: string): Promise<void> {
  await removeStagedFolder(join(view.dir, kindDir), id, `${kindDir}/${id}`);
}
