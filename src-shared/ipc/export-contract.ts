/** The export:* channels (merged into the contract's channel table in contract.ts). */
import { z } from 'zod';
import { ExportFormat, ExportMeta, ExportPrecision } from '../exports/export-meta';
import { CheckpointId, ExportId } from '../project/entry-ids';

export const exportChannels = {
  /** The project's exports, oldest first. */
  'export:list': { request: z.strictObject({}), response: z.array(ExportMeta) },
  /**
   * Starts an export job in main: written, then verified by stock TF.js in its own process on
   * `verify` test samples. Its id is known at once; the job's status says when it is there.
   */
  'export:start': {
    request: z.strictObject({
      checkpointId: CheckpointId,
      format: ExportFormat,
      precision: ExportPrecision,
      verify: z.number().int().min(1).max(1_000_000).default(1000),
      name: z.string().trim().min(1).max(120).optional(),
      /** ONNX: also a Triton / KServe model repository. */
      triton: z.boolean().default(false),
    }),
    response: z.strictObject({ jobId: z.string(), exportId: ExportId }),
  },
  'export:remove': { request: z.strictObject({ id: ExportId }), response: z.null() },
  /** Shows the export's folder in the file manager (Electron); `shown` false where the shell cannot, with the path. */
  'export:reveal': { request: z.strictObject({ id: ExportId }), response: z.strictObject({ shown: z.boolean(), path: z.string() }) },
} as const;
