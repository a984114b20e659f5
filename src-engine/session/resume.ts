/** Where a run resumed from a checkpoint goes on: the one rule the app and the CLI both use. */
import type { EarlyStoppingState } from '../../src-shared/checkpoints/checkpoint-meta';
import type { CheckpointArtifacts, CheckpointKind, ResumePoint } from '../train/types';

/** The part of a checkpoint's meta a resume needs. */
export interface ResumeCheckpoint {
  epoch: number;
  step: number;
  kind: CheckpointKind;
  earlyStopping?: EarlyStoppingState | undefined;
}

/** The epoch a resume from this checkpoint trains first: a stop checkpoint ends part-way through its epoch, which runs again. */
export function resumeEpoch(meta: Pick<ResumeCheckpoint, 'epoch' | 'kind'>): number {
  return meta.kind === 'stop' ? meta.epoch : meta.epoch + 1;
}

/** The trainer's resume point for a checkpoint's artifacts and meta. */
export function resumePoint(artifacts: CheckpointArtifacts, meta: ResumeCheckpoint): ResumePoint {
  return {
    artifacts,
    nextEpoch: resumeEpoch(meta),
    step: meta.step,
    // Patience goes on counting where the checkpoint left it (old checkpoints have none).
    ...(meta.earlyStopping ? { earlyStopping: meta.earlyStopping } : {}),
  };
}
