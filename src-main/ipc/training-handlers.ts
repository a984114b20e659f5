/** The run:*, checkpoint:*, eval:* and compression:* channel handlers, each delegating to its service. */
import type { CheckpointService } from '../checkpoints/checkpoint-service';
import type { CompressionService } from '../compression/compression-service';
import type { RunService } from '../runs/run-service';
import type { Handlers } from './dispatch';

type TrainingChannel = Extract<keyof Handlers, `run:${string}` | `checkpoint:${string}` | `eval:${string}` | `compression:${string}`>;

/** Builds the training part of the handler table; createHandlers spreads it in. */
export function createTrainingHandlers(runs: RunService, checkpoints: CheckpointService, compression: CompressionService): Pick<Handlers, TrainingChannel> {
  return {
    'run:create': (req, ctx) => runs.create(ctx.clientId, req),
    'run:appendMetrics': (req, ctx) => runs.appendMetrics(ctx.clientId, req.runId, req.records),
    'run:update': (req, ctx) => runs.update(ctx.clientId, req),
    'run:list': (_req, ctx) => runs.list(ctx.clientId),
    'run:get': (req, ctx) => runs.get(ctx.clientId, req.runId, req.maxBatchPoints),
    'run:remove': async (req, ctx) => {
      await runs.remove(ctx.clientId, req.id);
      return null;
    },
    'checkpoint:save': (req, ctx) => checkpoints.save(ctx.clientId, req),
    'checkpoint:list': (req, ctx) => checkpoints.list(ctx.clientId, req.runId),
    'checkpoint:load': (req, ctx) => checkpoints.load(ctx.clientId, req.id, req.optimizer),
    'checkpoint:remove': async (req, ctx) => {
      await checkpoints.remove(ctx.clientId, req.id);
      return null;
    },
    'eval:save': (req, ctx) => checkpoints.saveEval(ctx.clientId, req.checkpointId, req.split, req.result),
    'eval:get': (req, ctx) => checkpoints.getEval(ctx.clientId, req.checkpointId, req.split),
    'compression:report': (req, ctx) => compression.report(ctx.clientId, req.checkpointId),
    'compression:prepare': async (req, ctx) => {
      const plan = await compression.prepare(ctx.clientId, req.checkpointId, req.recipe);
      return { datasetId: plan.manifest.id, evalSplit: plan.evalSplit, student: plan.student };
    },
    'compression:save': (req, ctx) => {
      const { weightData, compare, compareWeightData, backend, evalSplit, evalSamples, before, after, layers, compressMs, ...made } = req;
      return compression.save(ctx.clientId, {
        ...made,
        weightData,
        measured: { backend, evalSplit, evalSamples, before, after, layers, compressMs, compare: compare && compareWeightData ? { figures: compare, weightData: compareWeightData } : null },
      });
    },
  };
}
