/**
 * The removal journal of runs: before a run's entries leave the manifest, `runs/.remove-<id>.json`
 * lists the folders that go with it. A crash after the manifest write but before the folders are
 * deleted leaves the journal, and the next open deletes exactly those folders that the manifest
 * no longer lists, never anything the user did not ask to remove.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { ProjectView } from '../../src-shared/ipc/contract';
import { CheckpointId, RunId } from '../../src-shared/project/entry-ids';
import { CHECKPOINTS_DIR } from '../checkpoints/checkpoint-files';
import { readJsonFile } from '../services/json-file';
import { removeFolder } from '../models/model-service';
import { writeFileAtomic } from '../services/atomic-write';
import { REMOVING_PREFIX, sweepLeftovers } from '../services/staged-folder';
import { say } from '../../src-shared/messages/message';

const RUNS_DIR = 'runs';
const JOURNAL = /^\.remove-(rn-[a-z0-9]{8})\.json$/;

const RemovalJournal = z.strictObject({ runId: RunId, checkpointIds: z.array(CheckpointId) });
type RemovalJournal = z.infer<typeof RemovalJournal>;

function journalPath(projectDir: string, runId: string): string {
  return join(projectDir, RUNS_DIR, `.remove-${runId}.json`);
}

/** Records (atomically) what removing a run will delete, before anything is removed. */
export async function writeRemovalJournal(projectDir: string, journal: RemovalJournal): Promise<void> {
  await writeFileAtomic(journalPath(projectDir, journal.runId), JSON.stringify(RemovalJournal.parse(journal)));
}

/** Drops the journal of a removal that has ended, done or refused. */
export async function dropRemovalJournal(projectDir: string, runId: string): Promise<void> {
  await rm(journalPath(projectDir, runId), { force: true });
}

/**
 * Finishes the removals a crash cut short, as a project opens: deletes the journaled folders
 * whose entries have left the manifest and the half-deleted `.removing-*` folders of `runs/`.
 */
export async function finishRemovals(view: Pick<ProjectView, 'dir' | 'manifest'>): Promise<void> {
  const root = join(view.dir, RUNS_DIR);
  const runs = new Set(view.manifest.runs.map((e) => e.id));
  const checkpoints = new Set(view.manifest.checkpoints.map((e) => e.id));
  await sweepLeftovers(root, {
    prefixes: [REMOVING_PREFIX],
    other: async (name) => {
      const match = JOURNAL.exec(name);
      if (!match) return false;
      const journal = await readJsonFile(join(root, name), RemovalJournal, say('files.removalJournal', { id: match[1]! })).catch(() => null);
      if (journal && journal.runId === match[1]) {
        // An entry still in the manifest means its removal never committed: it stays, whole.
        for (const id of journal.checkpointIds) if (!checkpoints.has(id)) await removeFolder(view, CHECKPOINTS_DIR, id);
        if (!runs.has(journal.runId)) await removeFolder(view, RUNS_DIR, journal.runId);
      }
      await rm(join(root, name), { force: true });
      return true;
    },
  });
}
