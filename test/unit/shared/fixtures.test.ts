import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseProjectText, serializeManifest } from '../../../src-shared/project/manifest';

const fixture = (version: number, name: string) =>
  readFileSync(fileURLToPath(new URL(`../../fixtures/projects/v${version}/${name}`, import.meta.url)), 'utf8');

describe('kept project-file fixtures', () => {
  it('v1 Fixture.mstudio loads with the real migrations', () => {
    const { manifest, migratedFrom } = parseProjectText(fixture(1, 'Fixture.mstudio'));
    expect(manifest.name).toBe('Fixture');
    expect(manifest.datasets.map((d) => d.id)).toEqual(['mnist-digits']);
    expect(manifest.models.map((m) => m.name)).toEqual(['Small CNN']);
    expect(manifest.runs).toEqual([]);
    expect(migratedFrom).toBeNull();
  });

  it('v1 round-trips: load + save keeps every field, unknown ones included', () => {
    const text = fixture(1, 'Fixture.mstudio');
    const saved = serializeManifest(parseProjectText(text).manifest);
    // The fixture is from before baselines: it reads as having none, and is saved so.
    expect(JSON.parse(saved)).toEqual({ ...JSON.parse(text), baselines: [] });
    const again = JSON.parse(serializeManifest(parseProjectText(saved).manifest)) as Record<string, unknown>;
    expect(again.workspace).toEqual({ note: 'written by a newer build of format 1; must survive load and save', sidebarWidth: 240 });
    expect((again.datasets as Array<Record<string, unknown>>)[0]?.sampleCount).toBe(70000);
  });
});
