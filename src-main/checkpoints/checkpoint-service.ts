/**
 * Checkpoints and their evaluations for each client's open project: the trainer hands over the
 * model and optimizer state at each epoch end (and on Stop); main writes, lists, verifies and
 * loads them, and keeps `eval-<split>.json` results beside them.
 */
import type { z } from 'zod';
import { StudioError } from '../../src-shared/errors';
import type { SplitName } from '../../src-shared/datasets/schema';
import { type CheckpointData, CheckpointSaveRequest } from '../../src-shared/ipc/training-contract';
import { EvalResult } from '../../src-shared/evaluations/eval-result';
import type { CheckpointMeta, WeightSpec } from '../../src-shared/checkpoints/checkpoint-meta';
import { badField } from '../ipc/bad-field';
import { newEntityId } from '../services/entity-ids';
import { readJsonFile } from '../services/json-file';
import { requireEntry, requireProject } from '../services/open-project';
import { removeFolder } from '../models/model-service';
import { readRun } from '../runs/run-service';
import { writeFileAtomic } from '../services/atomic-write';
import type { ProjectService } from '../services/project-service';
import { say, type MessageKey } from '../../src-shared/messages/message';
import {
  CHECKPOINTS_DIR,
  INCOMING_PREFIX,
  checkedCheckpointPath,
  checkpointRelDir,
  cleanupCheckpoints,
  type CheckpointContent,
  expectedWeightBytes,
  loadCheckpoint,
  readCheckpointMeta,
  writeCheckpoint,
} from './checkpoint-files';

/** What an evaluation file holds, per split, for the errors about it. */
const EVALUATION_OF = { test: 'files.testEvaluation', validation: 'files.validationEvaluation', train: 'files.trainEvaluation' } as const satisfies Record<SplitName, MessageKey>;

/** What the checkpoint service needs. */
export interface CheckpointServiceDeps {
  projects: ProjectService;
  appVersion: string;
}

/** A parsed checkpoint:save request (byte fields may be any Uint8Array, Buffers included). */
export type CheckpointSave = z.output<typeof CheckpointSaveRequest>;

function checkBytes(field: string, specs: readonly WeightSpec[], data: Uint8Array): void {
  const expected = expectedWeightBytes(specs);
  if (expected !== null && expected !== data.byteLength) {
    throw badField(field, `holds ${data.byteLength} bytes but its weight specs describe ${expected}`);
  }
}

/** Saves, lists, loads and removes checkpoints, and stores their evaluations. */
export class CheckpointService {
  /** Incoming folder names of saves in progress, which cleanup must leave alone. */
  private readonly busy = new Set<string>();

  constructor(private readonly deps: CheckpointServiceDeps) {}

  /** Removes what a crash left in a project's checkpoints folder; runs when a project opens. */
  async cleanupProject(projectDir: string): Promise<void> {
    await cleanupCheckpoints(projectDir, this.busy).catch((err: unknown) => console.error(`Could not tidy ${projectDir}/${CHECKPOINTS_DIR}:`, err));
  }

  /** Writes a checkpoint of a run and adds it to the project. */
  async save(clientId: string, req: CheckpointSave): Promise<CheckpointMeta> {
    const view = requireProject(this.deps.projects, clientId);
    requireEntry(view, 'runs', req.runId);
    checkBytes('weightData', req.weightSpecs, req.weightData);
    if (req.optimizer && req.optimizerWeightData) checkBytes('optimizerWeightData', req.optimizer.weightSpecs, req.optimizerWeightData);
    const run = await readRun(view.dir, req.runId);
    const id = newEntityId('ck');
    // The app sends a name in its language; the CLI gets English.
    const name = req.name ?? `${run.name} · epoch ${req.epoch + 1}${req.kind === 'stop' ? ' (stopped)' : ''}`;
    const m = req.metrics;
    return this.writeNew(clientId, {
      meta: {
        formatVersion: 1,
        id,
        name,
        runId: run.id,
        modelId: run.modelId,
        datasetId: run.datasetId,
        epoch: req.epoch,
        step: req.step,
        kind: req.kind,
        metrics: { loss: m.loss ?? null, accuracy: m.accuracy ?? null, valLoss: m.valLoss ?? null, valAccuracy: m.valAccuracy ?? null },
        ...(req.earlyStopping ? { earlyStopping: req.earlyStopping } : {}),
        spec: run.spec,
        createdAt: new Date().toISOString(),
      },
      modelTopology: req.modelTopology,
      trainingConfig: req.trainingConfig,
      weightSpecs: req.weightSpecs,
      weightData: req.weightData,
      optimizer: req.optimizer && req.optimizerWeightData ? { weightSpecs: req.optimizer.weightSpecs, weightData: req.optimizerWeightData } : undefined,
      generatedBy: `Model Studio ${this.deps.appVersion}`,
    });
  }

  /**
   * Writes a new checkpoint (its id in `content.meta`) through its incoming folder and adds it
   * to the project; a failure leaves neither the folder nor the entry.
   */
  async writeNew(clientId: string, content: CheckpointContent): Promise<CheckpointMeta> {
    const view = requireProject(this.deps.projects, clientId);
    const { id, name } = content.meta;
    const incoming = `${INCOMING_PREFIX}${id}`;
    this.busy.add(incoming);
    try {
      const meta = await writeCheckpoint(view.dir, content);
      try {
        await this.deps.projects.update(clientId, (pm) => {
          if (pm.id !== view.manifest.id) throw new StudioError('CANCELLED', 'The project was closed while the checkpoint was being saved.');
          pm.checkpoints.push({
            id,
            name,
            createdAt: meta.createdAt,
            dir: checkpointRelDir(id),
            runId: meta.runId,
            modelId: meta.modelId,
            epoch: meta.epoch,
            step: meta.step,
            kind: meta.kind,
            ...(meta.compression ? { parentId: meta.compression.parentId } : {}),
          });
        });
        await this.deps.projects.flushAll();
      } catch (err) {
        await removeFolder(view, CHECKPOINTS_DIR, id).catch(() => undefined);
        throw err;
      }
      return meta;
    } finally {
      this.busy.delete(incoming);
    }
  }

  /** The client's checkpoints (of one run when `runId` is given), oldest first. */
  async list(clientId: string, runId?: string): Promise<CheckpointMeta[]> {
    const view = requireProject(this.deps.projects, clientId);
    const out: CheckpointMeta[] = [];
    for (const entry of view.manifest.checkpoints) {
      if (runId !== undefined && entry.runId !== runId) continue;
      try {
        out.push(await readCheckpointMeta(view.dir, entry.id));
      } catch (err) {
        console.error(`Skipping checkpoint ${entry.name}:`, (err as Error).message);
      }
    }
    return out;
  }

  /** A checkpoint's artifacts, every file checked against its sha256 (IO_ERROR when one fails). */
  async load(clientId: string, id: string, withOptimizer = true): Promise<CheckpointData> {
    const view = requireProject(this.deps.projects, clientId);
    requireEntry(view, 'checkpoints', id);
    const c = await loadCheckpoint(view.dir, id, withOptimizer);
    return {
      modelTopology: c.modelTopology,
      trainingConfig: c.trainingConfig,
      weightSpecs: c.weightSpecs,
      weightData: c.weightData,
      optimizer: c.optimizer ? { weightSpecs: c.optimizer.weightSpecs } : null,
      optimizerWeightData: c.optimizer?.weightData ?? null,
      meta: c.meta,
    };
  }

  /** Removes a checkpoint and its evaluations. */
  async remove(clientId: string, id: string): Promise<void> {
    await this.removeMany(clientId, [id]);
  }

  /**
   * Removes several checkpoints and their evaluations with one manifest write. The entries leave
   * the file before the folders go, so a crash leaves at worst unused folders, never an entry
   * without its files; folders half-deleted by a crash are tidied when the project opens.
   */
  async removeMany(clientId: string, ids: readonly string[]): Promise<void> {
    const view = requireProject(this.deps.projects, clientId);
    for (const id of ids) requireEntry(view, 'checkpoints', id);
    if (ids.length === 0) return;
    const gone = new Set(ids);
    await this.deps.projects.update(clientId, (m) => {
      m.checkpoints = m.checkpoints.filter((e) => !gone.has(e.id));
    });
    await this.deps.projects.flushAll();
    for (const id of ids) await removeFolder(view, CHECKPOINTS_DIR, id);
  }

  /** Stores an evaluation of a checkpoint on one split (replacing an earlier one). */
  async saveEval(clientId: string, checkpointId: string, split: SplitName, result: EvalResult): Promise<EvalResult> {
    const view = requireProject(this.deps.projects, clientId);
    requireEntry(view, 'checkpoints', checkpointId);
    const checked = EvalResult.parse(result);
    await writeFileAtomic(await checkedCheckpointPath(view.dir, checkpointId, `eval-${split}.json`), JSON.stringify(checked));
    return checked;
  }

  /** The stored evaluation of a checkpoint on one split, or null when there is none. */
  async getEval(clientId: string, checkpointId: string, split: SplitName): Promise<EvalResult | null> {
    const view = requireProject(this.deps.projects, clientId);
    requireEntry(view, 'checkpoints', checkpointId);
    try {
      return await readJsonFile(await checkedCheckpointPath(view.dir, checkpointId, `eval-${split}.json`), EvalResult, say(EVALUATION_OF[split], { id: checkpointId }));
    } catch (err) {
      if (err instanceof StudioError && err.code === 'NOT_FOUND') return null;
      throw err;
    }
  }
}
