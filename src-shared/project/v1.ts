import { z } from 'zod';
import { EntityId, ProjectName, ProjectRelativePath } from './names';

/** Fields every stored thing in a project has: datasets, models, runs, checkpoints, exports, baselines. */
const EntryV1 = z.looseObject({
  id: EntityId,
  name: z.string().min(1).max(200),
  createdAt: z.iso.datetime(),
  /** Folder of the entry's files, relative to the project folder. */
  dir: ProjectRelativePath,
});

/**
 * Project manifest, format version 1. Objects are loose so fields written by a newer build of the
 * same format version survive a load and save unchanged.
 */
export const ProjectManifestV1 = z.looseObject({
  format: z.literal('model-studio/project'),
  formatVersion: z.literal(1),
  id: z.uuid(),
  name: ProjectName,
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  /** The app version that last wrote the file, for support. */
  savedWith: z.string().max(100),
  datasets: z.array(EntryV1),
  models: z.array(EntryV1),
  runs: z.array(EntryV1),
  checkpoints: z.array(EntryV1),
  exports: z.array(EntryV1),
  /** Classical baselines; absent in files from before they existed, so they default to none. */
  baselines: z.array(EntryV1).default([]),
});

export type ProjectManifestV1 = z.infer<typeof ProjectManifestV1>;
export type ProjectEntryV1 = z.infer<typeof EntryV1>;
