/** The ids main gives a project's models, runs, checkpoints, exports and baselines. */
import { z } from 'zod';

/** An id as main makes them: the prefix, a dash and 8 lowercase base36 characters. */
function prefixedId(prefix: string, what: string) {
  return z.string().regex(new RegExp(`^${prefix}-[a-z0-9]{8}$`), `is not a ${what} id`);
}
export const ModelId = prefixedId('md', 'model');
export const RunId = prefixedId('rn', 'run');
export const CheckpointId = prefixedId('ck', 'checkpoint');
export const ExportId = prefixedId('ex', 'export');
export const BaselineId = prefixedId('bl', 'baseline');
