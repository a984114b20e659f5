/**
 * The one IPC contract: every request channel with its request and response schema, and every
 * event main pushes to the UI. Main validates requests against these schemas; the preload and
 * the web bridge derive their named API from the channel names.
 */
import { z } from 'zod';
import { ProjectManifest } from '../project/manifest';
import { ProjectName } from '../project/names';

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
  status: JobStatus,
  /** 0..1, or null while the amount of work is unknown. */
  progress: z.number().min(0).max(1).nullable(),
  message: z.string(),
  startedAt: z.iso.datetime(),
  endedAt: z.iso.datetime().nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
});
export type JobSnapshot = z.infer<typeof JobSnapshot>;

const PathChoice = z.object({ path: z.string().nullable() });

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
  'job:list': { request: NoArgs, response: z.array(JobSnapshot) },
  'job:cancel': { request: z.strictObject({ id: z.string().min(1).max(100) }), response: JobSnapshot },
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
