/**
 * The one IPC contract: every request channel with its request and response schema, and every
 * event main pushes to the UI. Main validates requests against these schemas; the preload and
 * the web bridge derive their named API from the channel names.
 */
import { z } from 'zod';
import {
  DamagedDataset,
  DatasetImportRequest,
  DatasetKind,
  DatasetManifest,
  SplitConfig,
  SplitName,
} from '../datasets/schema';
import { Message } from '../messages/message';
import { ProjectManifest } from '../project/manifest';
import { RunId } from '../project/entry-ids';
import { ProjectName } from '../project/names';
import { baselineChannels } from './baseline-contract';
import { exportChannels } from './export-contract';
import { tryChannels } from './try-contract';
import { Settings, SettingsPatch } from '../settings/settings';
import { trainingChannels } from './training-contract';

/** An absolute or user-typed file-system path; main resolves and checks it. */
const FsPath = z
  .string()
  .min(1, 'is empty')
  .max(4096, 'is too long')
  .refine((p) => !p.includes('\0'), 'contains a NUL character');

const NoArgs = z.strictObject({});

export const ProjectView = z.object({
  /** Absolute path of the `.mstudio` manifest. */
  path: z.string(),
  /** Absolute path of the project folder. */
  dir: z.string(),
  manifest: ProjectManifest,
  /** Set when the file was upgraded from an older format version on open. */
  migratedFrom: z.number().int().nullable(),
});
export type ProjectView = z.infer<typeof ProjectView>;

export const RecentProject = z.object({
  path: z.string(),
  name: z.string(),
  openedAt: z.iso.datetime(),
  /** False when the file is gone or moved since it was last opened. */
  exists: z.boolean(),
});
export type RecentProject = z.infer<typeof RecentProject>;

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  platform: z.string(),
  /** Which shell serves the UI: the Electron app or the local web host. */
  shell: z.enum(['electron', 'web']),
  capabilities: z.object({
    /** Native Open/Choose-folder dialogs exist; otherwise the UI asks for a typed path. */
    nativeDialogs: z.boolean(),
    /** The shell has a native menu with accelerators; otherwise the UI binds its shortcuts. */
    nativeMenu: z.boolean(),
  }),
  /** Folder the New Project form suggests. */
  defaultParentDir: z.string(),
});
export type AppInfo = z.infer<typeof AppInfo>;

export const JobStatus = z.enum(['running', 'done', 'failed', 'cancelled']);
export type JobStatus = z.infer<typeof JobStatus>;

export const JobSnapshot = z.object({
  id: z.string(),
  kind: z.string(),
  title: z.string(),
  /** The title by key, where main said it so (the app shows it in the UI's language; `title` is its English). */
  titleSaid: Message.optional(),
  status: JobStatus,
  /** 0..1, or null while the amount of work is unknown. */
  progress: z.number().min(0).max(1).nullable(),
  message: z.string(),
  /** The progress line by key, where main said it so; `message` is its English. */
  messageSaid: Message.optional(),
  startedAt: z.iso.datetime(),
  endedAt: z.iso.datetime().nullable(),
  /** `said`: the message by key, where main said it so (the app shows it in the UI's language). */
  error: z.object({ code: z.string(), message: z.string(), said: Message.optional() }).nullable(),
});
export type JobSnapshot = z.infer<typeof JobSnapshot>;

const PathChoice = z.object({ path: z.string().nullable() });

const DatasetId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'is not a dataset id');
const Bytes = z.instanceof(Uint8Array);

/** What an importer makes of a path before the import starts (to pre-fill the import form). */
export const DatasetInspection = z.object({
  /** The importer that would read it, or null when none recognises it. */
  importer: z.enum(['idx', 'images', 'csv', 'text']).nullable(),
  kind: DatasetKind.nullable(),
  /** Class folder names (image and text folders, zips of them). */
  classes: z.array(z.string()),
  /** CSV header columns (or generated names when there is no header). */
  columns: z.array(z.string()),
  /** A summary for the import dialog, or why nothing matched, by key (the UI says it in its language). */
  note: Message,
});
export type DatasetInspection = z.infer<typeof DatasetInspection>;

/** A page of samples for the dataset view. Images: uint8 pixels, sample after sample. */
export const DatasetSamples = z.object({
  indices: z.array(z.number().int()),
  labels: z.array(z.number().int()),
  /** Input bytes of the samples in the dataset's dtype (uint8 pixels, int32 ids, float32 features). */
  x: Bytes,
  /** Original texts (text datasets), else null. */
  texts: z.array(z.string()).nullable(),
});
export type DatasetSamples = z.infer<typeof DatasetSamples>;

/** One shard of a split for the trainer: inputs and int32 labels as raw little-endian bytes. */
export const DatasetShard = z.object({
  /** Samples in this shard. */
  count: z.number().int().min(0),
  /** Samples in the whole split. */
  total: z.number().int().min(0),
  x: Bytes,
  y: Bytes,
});
export type DatasetShard = z.infer<typeof DatasetShard>;

/** Request/response channels, named `domain:action`. */
export const channels = {
  'app:info': { request: NoArgs, response: AppInfo },
  'project:create': {
    request: z.strictObject({ name: ProjectName, parentDir: FsPath }),
    response: ProjectView,
  },
  'project:open': { request: z.strictObject({ path: FsPath }), response: ProjectView },
  'project:current': { request: NoArgs, response: ProjectView.nullable() },
  'project:close': { request: NoArgs, response: z.null() },
  'recent:list': { request: NoArgs, response: z.array(RecentProject) },
  'recent:remove': { request: z.strictObject({ path: FsPath }), response: z.array(RecentProject) },
  'dialog:openProject': { request: NoArgs, response: PathChoice },
  'dialog:chooseFolder': {
    request: z.strictObject({ defaultPath: FsPath.optional() }),
    response: PathChoice,
  },
  'dialog:chooseFile': {
    request: z.strictObject({
      defaultPath: FsPath.optional(),
      filters: z.array(z.strictObject({ name: z.string().max(100), extensions: z.array(z.string().max(20)).max(20) })).max(10).optional(),
    }),
    response: PathChoice,
  },
  'dataset:list': { request: NoArgs, response: z.array(DatasetManifest) },
  /** The datasets the project lists whose files cannot be read, with the reason (remove them with dataset:remove). */
  'dataset:damaged': { request: NoArgs, response: z.array(DamagedDataset) },
  'dataset:get': { request: z.strictObject({ id: DatasetId }), response: DatasetManifest },
  'dataset:inspect': { request: z.strictObject({ path: FsPath }), response: DatasetInspection },
  /** Starts an import job; progress arrives as job:updated, the new dataset as project:changed. */
  'dataset:import': { request: DatasetImportRequest, response: z.object({ jobId: z.string() }) },
  'dataset:resplit': { request: z.strictObject({ id: DatasetId, split: SplitConfig }), response: DatasetManifest },
  'dataset:remove': { request: z.strictObject({ id: DatasetId }), response: z.null() },
  'dataset:samples': {
    request: z.strictObject({
      id: DatasetId,
      split: SplitName,
      offset: z.number().int().min(0),
      limit: z.number().int().min(1).max(512),
      /** Only samples of this class. */
      classIndex: z.number().int().min(0).optional(),
    }),
    response: DatasetSamples,
  },
  'dataset:readShard': {
    request: z.strictObject({
      id: DatasetId,
      split: SplitName,
      /** Shard number, from 0. */
      shard: z.number().int().min(0),
      shardSize: z.number().int().min(1).max(1 << 20),
      /** Shuffled order is a seeded permutation of the split, new for each epoch. */
      order: z.enum(['sequential', 'shuffled']),
      seed: z.number().int().min(0).max(2 ** 32 - 1).default(0),
      epoch: z.number().int().min(0).default(0),
    }),
    response: DatasetShard,
  },
  /** What long work runs in this window (taskbar/dock progress; kept awake while training); applied: false where the shell cannot. */
  'shell:activity': {
    request: z.strictObject({ kind: z.enum(['training', 'compression', 'export']).nullable(), progress: z.number().min(0).max(1).nullable() }),
    response: z.strictObject({ applied: z.boolean() }),
  },
  /** A system notification when this window is not focused (a long job ended); shown: false otherwise. */
  'shell:notify': { request: z.strictObject({ title: z.string().min(1).max(200), body: z.string().max(1000) }), response: z.strictObject({ shown: z.boolean() }) },
  /** The app's settings, and why a stored file was not used (null when it was). */
  'settings:get': { request: NoArgs, response: z.strictObject({ settings: Settings, problem: z.string().nullable() }) },
  /** Changes and saves settings; the settings now. */
  'settings:set': { request: SettingsPatch, response: Settings },
  'job:list': { request: NoArgs, response: z.array(JobSnapshot) },
  'job:cancel': { request: z.strictObject({ id: z.string().min(1).max(100) }), response: JobSnapshot },
  /** model:*, run:*, checkpoint:*, eval:* (see training-contract.ts). */
  ...trainingChannels,
  /** export:* (see export-contract.ts). */
  ...exportChannels,
  /** baseline:* (see baseline-contract.ts). */
  ...baselineChannels,
  /** try:* (see try-contract.ts). */
  ...tryChannels,
} as const;

export const AppCommand = z.enum([
  'project.new',
  'project.open',
  'project.close',
  'view.datasets',
  'view.models',
  'view.runs',
  'view.compression',
  'view.exports',
  /** The shell asked to close the window while work runs, and the person chose to stop it first. */
  'window.stopAndClose',
]);
export type AppCommand = z.infer<typeof AppCommand>;

/** Events main pushes to the UI. */
export const events = {
  /** The project shown in this window changed (opened, saved, closed: null). */
  'project:changed': ProjectView.nullable(),
  /** A long job started, progressed or ended. */
  'job:updated': JobSnapshot,
  /** A menu item or accelerator of the native shell asks the UI to run a command. */
  'app:command': z.object({ command: AppCommand }),
  /** The OS asked to open a project (file association, second launch, command line). */
  'app:openRequest': z.object({ path: z.string() }),
  /** The job of a run this window trains was cancelled: stop it (after its batch, with a stop checkpoint). */
  'run:stopRequested': z.object({ runId: RunId }),
} as const;

export type Channel = keyof typeof channels;
export type EventName = keyof typeof events;
export type RequestOf<C extends Channel> = z.input<(typeof channels)[C]['request']>;
export type ResponseOf<C extends Channel> = z.output<(typeof channels)[C]['response']>;
export type EventOf<E extends EventName> = z.output<(typeof events)[E]>;

export const CHANNEL_NAMES = Object.keys(channels) as Channel[];
export const EVENT_NAMES = Object.keys(events) as EventName[];

/** Whether a string names a known request channel. */
export function isChannel(name: unknown): name is Channel {
  return typeof name === 'string' && Object.hasOwn(channels, name);
}

/** Whether a string names a known event. */
export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.hasOwn(events, name);
}
