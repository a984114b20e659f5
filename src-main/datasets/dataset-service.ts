/**
 * Datasets of each client's open project: imports run as jobs into the store and are added to
 * the project manifest only when complete; views, re-splits and removal; samples for the
 * dataset view; and shards for the trainer, gathered from the dataset held in memory.
 */
import { basename } from 'node:path';
import { StudioError } from '../../src-shared/errors';
import {
  DatasetImportRequest,
  SplitConfig,
  TextOptions,
  type DamagedDataset,
  type DatasetManifest,
  type ImportSource,
  type SampleName,
  type SplitName,
} from '../../src-shared/datasets/schema';
import type { DatasetInspection, DatasetSamples, DatasetShard, ProjectView, RequestOf } from '../../src-shared/ipc/contract';
import type { JobHandle, JobService } from '../services/job-service';
import type { ProjectService } from '../services/project-service';
import { noEntryError } from '../services/open-project';
import { importDataset } from './importers/index';
import { inspectPath } from './inspect';
import type { ImportContext, RawDataset } from './raw-dataset';
import { recommendedTextOptions } from './samples';
import {
  cleanupDatasets,
  datasetRelDir,
  INCOMING_PREFIX,
  loadDataset,
  newDatasetId,
  readDatasetManifest,
  readProjectDatasets,
  readTexts,
  removeDatasetFiles,
  resplitDataset,
  writeDataset,
  type LoadedDataset,
} from './dataset-files';
import { epochOrder } from '../../src-engine/data/epoch-order';
import { gather, gatherSamples, sampleBytes } from './sample-gather';
import { say } from '../../src-shared/messages/message';

/** Names the built-in samples get in a project. */
const SAMPLE_TITLES: Record<SampleName, string> = { mnist: 'MNIST', spam: 'Spam Assassin', names: 'First names' };

/** What the dataset service needs; the importer functions can be replaced in tests. */
export interface DatasetServiceDeps {
  projects: ProjectService;
  jobs: JobService;
  importDataset?: (source: ImportSource, ctx: ImportContext) => Promise<RawDataset>;
  inspectPath?: (path: string) => Promise<DatasetInspection>;
  /** Removes what is made of a dataset alone (its baselines), before the dataset goes. */
  removeDependents?: (clientId: string, datasetId: string) => Promise<void>;
}

interface CacheEntry {
  key: string;
  data: Promise<LoadedDataset>;
  texts?: Promise<string[] | null>;
  order?: { split: SplitName; mode: string; seed: number; epoch: number; positions: Uint32Array };
  /** Each split's samples class by class in turn, for browsing (samples()). */
  browse?: Partial<Record<SplitName, Uint32Array>>;
}

/**
 * A split's samples one class after another in turn (the first of each class, then the second of
 * each, …), so a page of an unfiltered browse shows every class: a split stored in source order
 * (names sorted alphabetically, female then male) would otherwise open on one class.
 */
export function acrossClasses(positions: Uint32Array, labels: Int32Array, classes: number): Uint32Array {
  const byClass: number[][] = Array.from({ length: classes }, () => []);
  let total = 0;
  for (const p of positions) {
    const list = byClass[labels[p]!];
    if (list) (list.push(p), total++);
  }
  const out = new Uint32Array(total);
  let k = 0;
  // Exhausted classes leave the round, so a class far larger than the others costs its own length, not length x classes.
  let active = byClass.filter((l) => l.length > 0);
  for (let round = 0; active.length > 0; round++) {
    for (const list of active) out[k++] = list[round]!;
    active = active.filter((l) => l.length > round + 1);
  }
  return out;
}

/** The name a dataset gets when the request names none: the sample's title or the file's name. */
export function defaultDatasetName(source: ImportSource): string {
  if (source.type === 'sample') return SAMPLE_TITLES[source.sample];
  const path = source.type === 'idx' ? source.images : source.path;
  const base = basename(path.replace(/[\\/]+$/, '')).replace(/\.gz$/i, '').replace(/\.(zip|csv|tsv|txt)$/i, '');
  return base || 'Dataset';
}

/** `name`, or `name (2)`, `name (3)`… when taken. */
export function uniqueName(name: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  if (!used.has(name)) return name;
  for (let n = 2; ; n++) if (!used.has(`${name} (${n})`)) return `${name} (${n})`;
}

/** The datasets of the projects open in the studio. */
export class DatasetService {
  private readonly importer: NonNullable<DatasetServiceDeps['importDataset']>;
  private readonly inspector: NonNullable<DatasetServiceDeps['inspectPath']>;
  /** Incoming folder names of running imports, which cleanup must leave alone. */
  private readonly busy = new Set<string>();
  /** Names of running imports per project folder, so two imports of MNIST get distinct names. */
  private readonly pendingNames = new Map<string, Set<string>>();
  private cache: CacheEntry | null = null;

  constructor(private readonly deps: DatasetServiceDeps) {
    this.importer = deps.importDataset ?? importDataset;
    this.inspector = deps.inspectPath ?? inspectPath;
  }

  /** Removes what a crash left in a project's datasets folder; the project service calls it on open. */
  async cleanupProject(projectDir: string): Promise<void> {
    await cleanupDatasets(projectDir, this.busy).catch((err: unknown) => console.error(`Could not tidy ${projectDir}/datasets:`, err));
  }

  /** Drops the in-memory dataset. */
  async stop(): Promise<void> {
    this.cache = null;
  }

  /** What an importer makes of a path, to pre-fill the import form. */
  async inspect(path: string): Promise<DatasetInspection> {
    return this.inspector(path);
  }

  /** Starts an import job into the client's project; resolves (via `done`) to the new manifest. */
  startImport(clientId: string, request: DatasetImportRequest): JobHandle<DatasetManifest> {
    const view = this.project(clientId);
    const req = DatasetImportRequest.parse(request);
    const split = SplitConfig.parse(req.split ?? {});
    const pending = this.pendingNames.get(view.dir) ?? new Set<string>();
    this.pendingNames.set(view.dir, pending);
    const name = uniqueName(req.name ?? defaultDatasetName(req.source), [...view.manifest.datasets.map((d) => d.name), ...pending]);
    pending.add(name);
    const id = newDatasetId();
    const incoming = `${INCOMING_PREFIX}${id}`;
    this.busy.add(incoming);
    const projectId = view.manifest.id;
    const handle = this.deps.jobs.startJob(
      'dataset:import',
      say('jobs.importTitle', { name }),
      async (ctx) => {
        const startedAt = Date.now();
        ctx.report(0, say('jobs.reading'));
        const raw = await this.importer(req.source, {
          signal: ctx.signal,
          report: (p, message) => ctx.report(p === null ? null : 0.8 * p, message ?? say('jobs.reading')),
        });
        ctx.signal.throwIfAborted();
        ctx.report(0.8, say('jobs.writing'));
        const manifest = await writeDataset(
          view.dir,
          { id, name, createdAt: new Date().toISOString(), sourceType: req.source.type, raw, split, startedAt, ...textOptions(req.source, raw) },
          { signal: ctx.signal, onProgress: (f) => ctx.report(0.8 + 0.2 * f, say('jobs.writing')) },
        );
        try {
          ctx.signal.throwIfAborted();
          await this.deps.projects.update(clientId, (m) => {
            // The client may have switched projects meanwhile; never add the entry to another one.
            if (m.id !== projectId) throw new StudioError('CANCELLED', `${name} was not added: its project was closed during the import.`);
            m.datasets.push({ id, name, createdAt: manifest.createdAt, dir: datasetRelDir(id), kind: manifest.kind, count: manifest.count });
          });
        } catch (err) {
          await removeDatasetFiles(view.dir, id);
          throw err;
        }
        await this.deps.projects.flushAll();
        return manifest;
      },
      { clientId },
    );
    void handle.done
      .catch(() => undefined)
      .finally(() => {
        this.busy.delete(incoming);
        pending.delete(name);
      });
    return handle;
  }

  /** The manifests of the client's datasets, in project order; an unreadable one is listed by damaged(). */
  async list(clientId: string): Promise<DatasetManifest[]> {
    const view = this.project(clientId);
    return (await readProjectDatasets(view.dir, view.manifest.datasets)).datasets;
  }

  /** The client's datasets whose files cannot be read, each with why; they can be removed. */
  async damaged(clientId: string): Promise<DamagedDataset[]> {
    const view = this.project(clientId);
    return (await readProjectDatasets(view.dir, view.manifest.datasets)).damaged;
  }

  /** One dataset's manifest. */
  async get(clientId: string, id: string): Promise<DatasetManifest> {
    const view = this.project(clientId);
    this.entry(view, id);
    return readDatasetManifest(view.dir, id);
  }

  /** Splits a dataset again with another seed or other fractions. */
  async resplit(clientId: string, id: string, split: RequestOf<'dataset:resplit'>['split']): Promise<DatasetManifest> {
    const view = this.project(clientId);
    this.entry(view, id);
    const manifest = await readDatasetManifest(view.dir, id);
    this.forget(view.dir, id);
    const next = await resplitDataset(view.dir, manifest, SplitConfig.parse(split));
    this.forget(view.dir, id);
    return next;
  }

  /** Removes a dataset from the project and deletes its files. */
  async remove(clientId: string, id: string): Promise<void> {
    const view = this.project(clientId);
    this.entry(view, id);
    await this.deps.removeDependents?.(clientId, id);
    this.forget(view.dir, id);
    await this.deps.projects.update(clientId, (m) => {
      m.datasets = m.datasets.filter((d) => d.id !== id);
    });
    // The entry is gone from disk before the files, so a crash leaves at worst an unused folder.
    await this.deps.projects.flushAll();
    await removeDatasetFiles(view.dir, id);
  }

  /** A page of a split's samples (optionally of one class) for the dataset view. */
  async samples(clientId: string, req: RequestOf<'dataset:samples'>): Promise<DatasetSamples> {
    const { data, entry } = await this.loaded(clientId, req.id);
    let positions = data.splits[req.split];
    if (req.classIndex !== undefined) {
      const cls = req.classIndex;
      positions = positions.filter((i) => data.y[i] === cls);
    } else {
      entry.browse ??= {};
      positions = entry.browse[req.split] ??= acrossClasses(positions, data.y, data.manifest.classNames.length);
    }
    const page = positions.subarray(Math.min(req.offset, positions.length), Math.min(req.offset + req.limit, positions.length));
    const texts = data.manifest.kind === 'text' ? await (entry.texts ??= readTexts(this.project(clientId).dir, data.manifest)) : null;
    return {
      indices: Array.from(page),
      labels: Array.from(page, (i) => data.y[i]!),
      x: gather(data.x, sampleBytes(data.manifest.input), page, 0, page.length),
      texts: texts ? Array.from(page, (i) => texts[i] ?? '') : null,
    };
  }

  /** One shard of a split in sequential or seeded shuffled order (see the contract). */
  async readShard(clientId: string, req: RequestOf<'dataset:readShard'>): Promise<DatasetShard> {
    const { data, entry } = await this.loaded(clientId, req.id);
    const mode = req.order;
    const seed = req.seed ?? 0;
    const epoch = req.epoch ?? 0;
    let order = entry.order;
    if (!order || order.split !== req.split || order.mode !== mode || order.seed !== seed || order.epoch !== epoch) {
      order = { split: req.split, mode, seed, epoch, positions: epochOrder(data.splits[req.split], mode, seed, epoch) };
      entry.order = order;
    }
    const total = order.positions.length;
    const from = Math.min(total, req.shard * req.shardSize);
    const to = Math.min(total, from + req.shardSize);
    return { count: to - from, total, ...gatherSamples(data, order.positions, from, to) };
  }

  private project(clientId: string): ProjectView {
    const view = this.deps.projects.current(clientId);
    if (!view) throw new StudioError('NO_PROJECT_OPEN', 'No project is open in this window.');
    return view;
  }

  private entry(view: ProjectView, id: string): void {
    if (!view.manifest.datasets.some((d) => d.id === id)) throw noEntryError('datasets', id);
  }

  /** The dataset in memory, loaded and verified once; only the last used one is kept. */
  private async loaded(clientId: string, id: string): Promise<{ data: LoadedDataset; entry: CacheEntry }> {
    const view = this.project(clientId);
    this.entry(view, id);
    const key = `${view.dir}\0${id}`;
    if (this.cache?.key !== key) {
      const data = readDatasetManifest(view.dir, id).then((m) => loadDataset(view.dir, m));
      this.cache = { key, data };
      // A failed load is not kept, so the next request tries again.
      data.catch(() => {
        if (this.cache?.key === key && this.cache.data === data) this.cache = null;
      });
    }
    const entry = this.cache;
    return { data: await entry.data, entry };
  }

  private forget(projectDir: string, id: string): void {
    if (this.cache?.key === `${projectDir}\0${id}`) this.cache = null;
  }
}

/** How a text dataset is tokenized: the sample's recommendation or the request's options. */
function textOptions(source: ImportSource, raw: RawDataset): { text?: TextOptions } {
  if (raw.kind !== 'text') return {};
  if (source.type === 'sample') return { text: recommendedTextOptions(source.sample) };
  const given = source.type === 'csv' || source.type === 'text' ? source.text : undefined;
  return { text: TextOptions.parse(given ?? {}) };
}
