/** The dataset:* channel handlers, each delegating to the dataset service. */
import type { DatasetService } from '../datasets/dataset-service';
import type { Handlers } from './dispatch';

type DatasetChannel = Extract<keyof Handlers, `dataset:${string}`>;

/** Builds the dataset part of the handler table; createHandlers spreads it in. */
export function createDatasetHandlers(datasets: DatasetService): Pick<Handlers, DatasetChannel> {
  return {
    'dataset:list': (_req, ctx) => datasets.list(ctx.clientId),
    'dataset:damaged': (_req, ctx) => datasets.damaged(ctx.clientId),
    'dataset:get': (req, ctx) => datasets.get(ctx.clientId, req.id),
    'dataset:inspect': (req) => datasets.inspect(req.path),
    'dataset:import': (req, ctx) => ({ jobId: datasets.startImport(ctx.clientId, req).id }),
    'dataset:resplit': (req, ctx) => datasets.resplit(ctx.clientId, req.id, req.split),
    'dataset:remove': async (req, ctx) => {
      await datasets.remove(ctx.clientId, req.id);
      return null;
    },
    'dataset:samples': (req, ctx) => datasets.samples(ctx.clientId, req),
    'dataset:readShard': (req, ctx) => datasets.readShard(ctx.clientId, req),
  };
}
