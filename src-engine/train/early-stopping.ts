/**
 * The loss monitor behind "best epoch" and early stopping. Its state goes into every checkpoint
 * and comes back on resume, so a resumed run stops at the epoch the uninterrupted run would have.
 */
import type { EarlyStoppingState } from '../../src-shared/checkpoints/checkpoint-meta';
import type { EpochMetrics } from '../../src-shared/runs/metrics';
import type { HyperParams } from '../../src-shared/runs/hyper-params';

const finiteOrNull = (v: number) => (Number.isFinite(v) ? v : null);

/** Follows the monitored loss epoch by epoch: the best epoch, and patience left for early stopping. */
export class EarlyStopping {
  private bestLoss: number;
  private bestMetrics: EpochMetrics | null;
  private watchLoss: number;
  private wait: number;

  constructor(
    private readonly config: HyperParams['earlyStopping'],
    from?: EarlyStoppingState,
  ) {
    this.bestLoss = from?.bestLoss ?? Infinity;
    this.bestMetrics = from?.best ?? null;
    this.watchLoss = from?.watchLoss ?? Infinity;
    this.wait = from?.wait ?? 0;
  }

  /** The epoch with the lowest monitored loss so far. */
  get best(): EpochMetrics | null {
    return this.bestMetrics;
  }

  /**
   * Folds in one whole epoch whose monitored loss (validation, else training) is `monitored`;
   * true when early stopping is on and the loss has not improved by minDelta for `patience` epochs.
   */
  update(metrics: EpochMetrics, monitored: number): boolean {
    if (Number.isFinite(monitored) && monitored < this.bestLoss) {
      this.bestLoss = monitored;
      this.bestMetrics = metrics;
    }
    if (Number.isFinite(monitored) && monitored < this.watchLoss - (this.config?.minDelta ?? 0)) {
      this.watchLoss = monitored;
      this.wait = 0;
    } else {
      this.wait++;
    }
    return this.config !== null && this.wait >= this.config.patience;
  }

  /** The state to keep in a checkpoint (plain JSON: no Infinity). */
  state(): EarlyStoppingState {
    return { bestLoss: finiteOrNull(this.bestLoss), best: this.bestMetrics, watchLoss: finiteOrNull(this.watchLoss), wait: this.wait };
  }
}
