/** `checkpoints/<id>/eval-<split>.json`: an evaluation of a checkpoint on one split. */
import { z } from 'zod';
import { Metric } from '../runs/metrics';

const NonNegInt = z.number().int().min(0);
const Iso = z.iso.datetime();

const Fraction = z.number().min(0).max(1);
/** `checkpoints/<id>/eval-<split>.json`: an evaluation of a checkpoint on one split. */
export const EvalResult = z
  .strictObject({
    accuracy: Fraction,
    loss: Metric,
    /** confusion[actual][predicted] = count. */
    confusion: z.array(z.array(NonNegInt)).min(1).max(10_000),
    perClass: z.array(z.strictObject({ precision: Fraction, recall: Fraction, f1: Fraction, support: NonNegInt })),
    latencyMsPerSample: z.number().min(0),
    backend: z.string().min(1).max(50),
    misclassified: z
      .array(z.strictObject({ index: NonNegInt, label: NonNegInt, predicted: NonNegInt, scores: z.array(z.number()).max(100_000) }))
      .max(200),
    createdAt: Iso,
  })
  .superRefine((r, ctx) => {
    const n = r.confusion.length;
    if (r.confusion.some((row) => row.length !== n)) ctx.addIssue({ code: 'custom', path: ['confusion'], message: 'is not square' });
    if (r.perClass.length !== n) ctx.addIssue({ code: 'custom', path: ['perClass'], message: `has ${r.perClass.length} entries for ${n} classes` });
  });
export type EvalResult = z.output<typeof EvalResult>;
