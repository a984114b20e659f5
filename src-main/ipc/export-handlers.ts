/** The export:* channel handlers, each delegating to the export service. */
import type { ExportService } from '../exports/export-service';
import type { Handlers } from './dispatch';

type ExportChannel = Extract<keyof Handlers, `export:${string}`>;

export function createExportHandlers(exports: ExportService): Pick<Handlers, ExportChannel> {
  return {
    'export:list': (_req, ctx) => exports.list(ctx.clientId),
    'export:start': (req, ctx) => exports.startExport(ctx.clientId, req),
    'export:remove': async (req, ctx) => {
      await exports.remove(ctx.clientId, req.id);
      return null;
    },
    'export:reveal': (req, ctx) => exports.reveal(ctx.clientId, req.id),
  };
}
