/**
 * Leaving while work runs: the page holds its unload (beforeunload) while a run trains, a
 * compression runs or a job runs, so the browser asks, and the Electron shell asks in its own dialog (will-prevent-unload).
 * When the person chooses to stop and close there, the run is stopped with a checkpoint and the
 * window closes once that checkpoint is saved.
 */
import { useCompressionStore } from '../stores/compression';
import { useJobsStore } from '../stores/jobs';
import { useTrainingStore } from '../stores/training';

let leaving = false;

/** The guard and the orderly close; `listen` holds unloads until the signal aborts. */
export function useLeaveGuard() {
  const training = useTrainingStore();
  const jobs = useJobsStore();
  const compression = useCompressionStore();

  /** Whether closing now would lose work: a run training or paused, a compression, or a job of main running. */
  function working(): boolean {
    return training.busy || compression.job !== null || jobs.running.length > 0;
  }

  function listen(signal: AbortSignal): void {
    leaving = false;
    window.addEventListener(
      'beforeunload',
      (ev) => {
        if (leaving || !working()) return;
        ev.preventDefault();
        // Older browsers ask only when returnValue is set.
        ev.returnValue = '';
      },
      { signal },
    );
  }

  /** Stops the live run with its checkpoint, then closes the window (other jobs end with it). */
  async function stopAndClose(): Promise<void> {
    await training.stopAndWait();
    leaving = true;
    window.close();
  }

  return { listen, stopAndClose, working };
}
