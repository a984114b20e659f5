/** One forward step of the project format: a pure function from version `from` to `from + 1`. */
export interface MigrationStep {
  from: number;
  up(doc: Record<string, unknown>): Record<string, unknown>;
}

/** Thrown when no chain of steps leads from a document's version to the current one. */
export class MigrationGapError extends Error {
  constructor(readonly version: number) {
    super(`No migration step from format version ${version}.`);
  }
}

/**
 * Runs the ordered steps that lead from `version` to `target`; the input is never mutated.
 * Returns the migrated document and the versions it passed through.
 */
export function migrate(
  doc: Record<string, unknown>,
  version: number,
  target: number,
  steps: readonly MigrationStep[],
): { doc: Record<string, unknown>; path: number[] } {
  let current: Record<string, unknown> = structuredClone(doc);
  const path: number[] = [version];
  for (let v = version; v < target; v++) {
    const step = steps.find((s) => s.from === v);
    if (!step) throw new MigrationGapError(v);
    current = { ...step.up(current), formatVersion: v + 1 };
    path.push(v + 1);
  }
  return { doc: current, path };
}
