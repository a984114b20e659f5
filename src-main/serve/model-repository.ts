/**
 * Which exports a `serve` serves and under which names: one export folder given directly, or a
 * project's exports (the verified ones, or those named with `--export <id>[=<name>]`). A name is
 * the export's own name made URL-safe, unless given; two alike get `_2`, `_3`.
 */
import { join } from 'node:path';
import type { ExportMeta } from '../../src-shared/exports/export-meta';
import { StudioError } from '../../src-shared/errors';
import { EXPORTS_DIR } from '../exports/export-files';
import { tritonModelName } from '../exports/triton';

/** One `--export` value: an export id and the name to serve it as. */
export interface ExportChoice {
  id: string;
  name: string | null;
}

export function parseExportChoice(text: string): ExportChoice {
  const [id, name] = text.split('=', 2) as [string, string | undefined];
  if (name !== undefined && !/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(name)) throw new StudioError('BAD_REQUEST', `--export ${text}: a model name is letters, digits, _, . and - (at most 64).`);
  return { id, name: name ?? null };
}

export interface ToServe {
  dir: string;
  name: string;
  /** The project the folder is in, when it is. */
  projectDir?: string;
}

/** The folders and names to serve from a project's exports. */
export function chooseExports(projectDir: string, all: ExportMeta[], choices: ExportChoice[]): ToServe[] {
  let picked: { meta: ExportMeta; name: string | null }[];
  if (choices.length === 0) {
    picked = all.filter((e) => e.status === 'verified').map((meta) => ({ meta, name: null }));
    if (picked.length === 0) throw new StudioError('NOT_FOUND', all.length ? 'No export of this project passed its verification; export a checkpoint again, or name one with --export.' : 'This project has no exports yet: make one with `model-studio export`.');
  } else {
    picked = choices.map((c) => {
      const meta = all.find((e) => e.id === c.id);
      if (!meta) throw new StudioError('NOT_FOUND', `There is no export ${c.id} in this project${all.length ? `; its exports: ${all.map((e) => e.id).join(', ')}` : ''}.`);
      if (meta.status !== 'verified') throw new StudioError('BAD_REQUEST', `${c.id} failed its verification (top-1 agreement ${(meta.verification.agreement * 100).toFixed(2)}%); it is not served.`);
      return { meta, name: c.name };
    });
  }
  return uniqueNames(picked.map((p) => ({ dir: join(projectDir, EXPORTS_DIR, p.meta.id), name: p.name ?? tritonModelName(p.meta.name), given: p.name !== null, projectDir })));
}

/** The names made unique: a repeated derived name gets `_2`, `_3` (past every name taken); two exports given the same name are refused. */
export function uniqueNames(list: (ToServe & { given?: boolean })[]): ToServe[] {
  const given = list.filter((t) => t.given).map((t) => t.name);
  const twice = given.find((n, i) => given.indexOf(n) !== i);
  if (twice) throw new StudioError('BAD_REQUEST', `Two exports are named ${twice}: give each its own name.`);
  const taken = new Set(given);
  return list.map(({ given: isGiven, ...t }) => {
    if (isGiven) return t;
    let name = t.name;
    for (let k = 2; taken.has(name); k++) name = `${t.name}_${k}`;
    taken.add(name);
    return { ...t, name };
  });
}
