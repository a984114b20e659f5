/** Checks of the split fields shared by the import form and the Re-split form. */

type Translate = (key: string, named?: Record<string, unknown>) => string;

/** Why a seed / fraction combination is refused, or null when it is fine. */
export function splitProblem(seed: number, validation: number, test: number, t: Translate): string | null {
  if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 32 - 1) return t('datasets.split.badSeed');
  for (const f of [validation, test]) {
    if (typeof f !== 'number' || !Number.isFinite(f) || f < 0 || f > 0.5) return t('datasets.split.badFraction');
  }
  return null;
}
