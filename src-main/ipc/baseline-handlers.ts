/** The baseline:* channel handlers, each delegating to the baseline service or the leaderboard. */
import type { BaselineService } from '../baselines/baseline-service';
import { leaderboard, type LeaderboardDeps } from '../baselines/leaderboard';
import type { Handlers } from './dispatch';

type BaselineChannel = Extract<keyof Handlers, `baseline:${string}`>;

export function createBaselineHandlers(deps: LeaderboardDeps & { baselines: BaselineService }): Pick<Handlers, BaselineChannel> {
  const { baselines } = deps;
  return {
    'baseline:list': (req, ctx) => baselines.list(ctx.clientId, req.datasetId),
    'baseline:start': (req, ctx) => baselines.start(ctx.clientId, req),
    'baseline:remove': async (req, ctx) => {
      await baselines.remove(ctx.clientId, req.id);
      return null;
    },
    'baseline:leaderboard': (req, ctx) => leaderboard(deps, ctx.clientId, req.datasetId),
  };
}
