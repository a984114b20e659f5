/**
 * The compressed versions of each original checkpoint: every compressed checkpoint followed up
 * its chain of parents to the checkpoint training made, and the points of the size-against-
 * accuracy chart (the original's figures from the report of a compression made from it).
 */
import type { CheckpointMeta } from '../../../src-shared/checkpoints/checkpoint-meta';
import { recipeLabel } from '../../../src-shared/compression/recipe-label';
import type { CompressionReport } from '../../../src-shared/compression/report';

/** One checkpoint as the chart and the list show it. */
export interface VersionPoint {
  id: string;
  name: string;
  /** The method that made it; null for the original. */
  method: string | null;
  /** What made it, in short ("int8", "structured, pruned 50%"); null for the original. */
  label: string | null;
  gzipBytes: number;
  sizeBytes: number;
  accuracy: number;
}

export interface VersionGroup {
  /** The checkpoint training made that the chain starts from. */
  root: CheckpointMeta | { id: string; name: string };
  /** Its compressed versions, oldest first, each with its chain depth (1: made from the root). */
  versions: { meta: CheckpointMeta; depth: number }[];
  /** The original (when a report measured it) and every version with a report. */
  points: VersionPoint[];
}

/** The groups, the most recently compressed first. */
export function versionGroups(checkpoints: readonly CheckpointMeta[], reports: Readonly<Record<string, CompressionReport>>): VersionGroup[] {
  const byId = new Map(checkpoints.map((c) => [c.id, c]));
  const chain = (c: CheckpointMeta): { rootId: string; depth: number } => {
    let depth = 0;
    let at: CheckpointMeta | undefined = c;
    let rootId = c.id;
    const seen = new Set<string>();
    while (at?.compression && !seen.has(at.id)) {
      seen.add(at.id);
      depth++;
      rootId = at.compression.parentId;
      at = byId.get(rootId);
    }
    return { rootId, depth };
  };
  const groups = new Map<string, VersionGroup>();
  const compressed = checkpoints.filter((c) => c.compression).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  for (const c of compressed) {
    const { rootId, depth } = chain(c);
    let g = groups.get(rootId);
    if (!g) {
      g = { root: byId.get(rootId) ?? { id: rootId, name: rootId }, versions: [], points: [] };
      groups.set(rootId, g);
    }
    g.versions.push({ meta: c, depth });
  }
  for (const g of groups.values()) {
    const original = g.versions.map((v) => v.meta).find((m) => m.compression!.parentId === g.root.id && reports[m.id]);
    if (original) {
      const b = reports[original.id]!.before;
      g.points.push({ id: g.root.id, name: g.root.name, method: null, label: null, gzipBytes: b.gzipBytes, sizeBytes: b.sizeBytes, accuracy: b.accuracy });
    }
    for (const { meta } of g.versions) {
      const r = reports[meta.id];
      if (r) g.points.push({ id: meta.id, name: meta.name, method: meta.compression!.recipe.method, label: recipeLabel(meta.compression!.recipe), gzipBytes: r.after.gzipBytes, sizeBytes: r.after.sizeBytes, accuracy: r.after.accuracy });
    }
  }
  return [...groups.values()].sort((a, b) => b.versions.at(-1)!.meta.createdAt.localeCompare(a.versions.at(-1)!.meta.createdAt));
}
