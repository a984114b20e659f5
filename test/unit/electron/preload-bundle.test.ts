import { resolveConfig } from 'electron-vite';
import type { Rolldown } from 'vite';
import { build } from 'vite';
import { describe, expect, it } from 'vitest';

/**
 * A sandboxed preload can require nothing but 'electron': anything else it needs (the contract,
 * zod) must be bundled in, or window.studio never appears. This builds the preload exactly as
 * `electron-vite build` does, in memory, and checks what it requires.
 */
describe('built preload', () => {
  it('is one CommonJS file, index.cjs, that requires only electron', async () => {
    const { config } = await resolveConfig({ logLevel: 'silent' }, 'build');
    const preload = config!.preload!;
    const result = await build({
      ...preload,
      configFile: false,
      logLevel: 'silent',
      build: { ...preload.build, write: false },
    });
    const outputs = (Array.isArray(result) ? result : [result]) as Rolldown.RolldownOutput[];
    const chunks = outputs.flatMap((o) => o.output).filter((o): o is Rolldown.OutputChunk => o.type === 'chunk');
    expect(chunks.map((c) => c.fileName)).toEqual(['index.cjs']);
    const code = chunks[0]!.code;
    expect(code).not.toMatch(/^\s*import\s/m);
    const required = [...code.matchAll(/require\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]);
    expect(new Set(required)).toEqual(new Set(['electron']));
  }, 60_000);
});
