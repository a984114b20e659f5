/** Shared bits of the importer tests: an import context, files written on the fly. */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import sharp from 'sharp';
import { StudioError } from '../../../../src-shared/errors';
import type { ImportContext } from '../../../../src-main/datasets/raw-dataset';

/** An import context that records progress. */
export function testContext(signal: AbortSignal = new AbortController().signal): ImportContext & { progress: (number | null)[] } {
  const progress: (number | null)[] = [];
  return { signal, progress, report: (p) => progress.push(p) };
}

/** Writes a file, creating its folders. */
export async function put(root: string, rel: string, data: string | Uint8Array): Promise<string> {
  const path = join(root, rel);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, data);
  return path;
}

/** A solid-colour image in the given format. */
export async function solidImage(
  format: 'png' | 'jpeg' | 'webp' | 'gif',
  color: { r: number; g: number; b: number },
  width = 40,
  height = 30,
): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: color } })[format]().toBuffer();
}

/** Where a package's files lie. */
export function packageFile(pkg: string, ...rel: string[]): string {
  return join(dirname(createRequire(import.meta.url).resolve(`${pkg}/package.json`)), ...rel);
}

/** Awaits a rejection and returns it as a StudioError (fails the test otherwise). */
export async function studioError(p: Promise<unknown>): Promise<StudioError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof StudioError)) throw new Error(`expected a StudioError, got ${String(err)}`);
  return err;
}
