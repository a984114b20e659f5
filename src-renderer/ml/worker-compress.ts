/**
 * The worker's end of compression: the engine's runCompression on the worker's feeds (the
 * calibration samples are the first of the shuffled training feed), progress posted a few times
 * a second, and Cancel honoured at the next batch. Nothing is stored here: the UI hands what
 * it made to main.
 */
import { runCompression } from '../../src-engine/compress/compress';
import { CompressionCancelled } from '../../src-engine/compress/cancelled';
import { limitProvider } from '../../src-engine/data/limited-provider';
import type { CompressionStepRecord, CompressRunRequest, CompressRunResult } from './compression-protocol';
import { getFeed } from './feeds';
import type { PostEvent } from './worker-training';

/** Compressions under way, by id, with whether Cancel was asked. */
const jobs = new Map<string, { cancelled: boolean }>();

/** Progress events at most this often (a phase's last step always goes). */
const PROGRESS_MS = 200;

/** Runs one compression; the made model's and the alone student's buffers go back transferred. */
export async function runCompressionJob(req: CompressRunRequest, post: PostEvent): Promise<CompressRunResult> {
  // A Cancel may arrive before the work starts (it waits for the backend): it still counts.
  const state = jobs.get(req.jobId) ?? { cancelled: false };
  jobs.set(req.jobId, state);
  let last = 0;
  // Training steps not yet posted (a few hundred a second at most: small).
  let records: CompressionStepRecord[] = [];
  try {
    if (state.cancelled) throw new CompressionCancelled();
    const train = req.feeds.train ? getFeed(req.feeds.train) : null;
    const { recipe } = req;
    const calibrating = recipe.method === 'quantize' && recipe.scheme === 'full-int8';
    const fineTuneLimit = recipe.method === 'quantize' ? null : recipe.limit;
    const out = await runCompression({
      spec: req.spec,
      artifacts: req.artifacts,
      recipe,
      classes: req.classNames,
      standardization: req.standardization,
      calibration: calibrating && train ? limitProvider(train, recipe.calibration.samples) : null,
      train: train && !calibrating ? limitProvider(train, fineTuneLimit) : null,
      student: req.student,
      evaluation: limitProvider(getFeed(req.feeds.evaluation), req.evalLimit),
      cancelled: () => state.cancelled,
      onProgress: (phase, done, total, metrics) => {
        if (metrics) records.push({ step: done, loss: metrics.loss, accuracy: metrics.accuracy, alone: metrics.alone === true });
        const now = performance.now();
        if (now - last < PROGRESS_MS && done < total) return;
        last = now;
        post('compress:progress', { jobId: req.jobId, phase, done, total, records });
        records = [];
      },
    });
    return {
      spec: out.spec,
      model: { modelTopology: out.artifacts.modelTopology, weightSpecs: out.artifacts.weightSpecs, weightData: out.artifacts.weightData },
      before: out.before,
      after: out.after,
      layers: out.layers,
      compare: out.compare ? { figures: out.compare.figures, weightData: out.compare.artifacts.weightData } : null,
      backend: out.backend,
      evalSamples: out.evalSamples,
      compressMs: out.compressMs,
    };
  } finally {
    jobs.delete(req.jobId);
  }
}

/** Asks a compression to stop at its next batch; one not started yet stops before it begins. */
export function cancelCompression(jobId: string): null {
  const state = jobs.get(jobId);
  if (state) state.cancelled = true;
  else jobs.set(jobId, { cancelled: true });
  return null;
}

/** The buffers of a compression's result, to transfer rather than copy. */
export function compressionBuffers(r: CompressRunResult): ArrayBuffer[] {
  return r.compare ? [r.model.weightData, r.compare.weightData] : [r.model.weightData];
}
