/** The model:* channel handlers, each delegating to the model service. */
import type { ModelService } from '../models/model-service';
import type { Handlers } from './dispatch';

type ModelChannel = Extract<keyof Handlers, `model:${string}`>;

/** Builds the model part of the handler table; createHandlers spreads it in. */
export function createModelHandlers(models: ModelService): Pick<Handlers, ModelChannel> {
  return {
    'model:list': (_req, ctx) => models.list(ctx.clientId),
    'model:get': (req, ctx) => models.get(ctx.clientId, req.id),
    'model:create': (req, ctx) => models.create(ctx.clientId, req),
    'model:update': (req, ctx) => models.update(ctx.clientId, req),
    'model:remove': async (req, ctx) => {
      await models.remove(ctx.clientId, req.id);
      return null;
    },
  };
}
