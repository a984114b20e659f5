/** Where a run resumed from a checkpoint goes on: the one rule the app and the CLI both use. */
import type { CheckpointKind, EarlyStoppingState } from '../../src-shared/checkpoints/checkpoint-meta';
import type { CheckpointArtifacts, ResumePoint } from '../train/types';

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

/** Whether a run can go on from this checkpoint: a compressed one has no optimizer state and weights a compression made. */
export function canResume(meta: Pick<ResumeCheckpoint, 'kind'>): boolean {
  return meta.kind !== 'compressed';
}

/** The trainer's resume point for a checkpoint's artifacts and meta. */
export function resumePoint(artifacts: CheckpointArtifacts, meta: ResumeCheckpoint): ResumePoint {
  if (!canResume(meta)) throw new Error('A compressed checkpoint cannot be resumed; train from its parent, or fine-tune it through a compression.');
  return {
    artifacts,
    nextEpoch: resumeEpoch(meta),
    step: meta.step,
    // Patience goes on counting where the checkpoint left it (old checkpoints have none).
    ...(meta.earlyStopping ? { earlyStopping: meta.earlyStopping } : {}),
  };
}
