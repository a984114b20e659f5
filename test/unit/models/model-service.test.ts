import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ProjectView } from '../../../src-shared/ipc/contract';
import { CLIENT, DATASET_ID, mlpSpec, useTrainingProject } from '../runs/training-fixtures';

const setup = useTrainingProject();

describe('models', () => {
  it('creates a model: spec.json on disk, an entry in the project, project:changed sent', async () => {
    const { dir, studio, seen, ok } = await setup();
    const model = await ok('model:create', { name: 'My MLP', spec: mlpSpec(), datasetId: DATASET_ID });
    expect(model.id).toMatch(/^md-[a-z0-9]{8}$/);
    expect(model).toMatchObject({ name: 'My MLP', template: 'mlp', datasetId: DATASET_ID, spec: { name: 'My MLP', numClasses: 2 } });
    // Defaults of the spec are applied and stored.
    expect(model.spec.training).toMatchObject({ optimizer: 'adam', batchSize: 32 });
    const onDisk = JSON.parse(await readFile(join(dir, 'models', model.id, 'spec.json'), 'utf8'));
    expect(onDisk).toEqual(model.spec);
    const entry = studio.projects.current(CLIENT)!.manifest.models[0];
    expect(entry).toMatchObject({ id: model.id, name: 'My MLP', dir: `models/${model.id}`, template: 'mlp', datasetId: DATASET_ID });
    expect(seen.some((e) => e.event === 'project:changed' && (e.payload as ProjectView | null)?.manifest.models.length === 1)).toBe(true);
    expect(await ok('model:list', {})).toEqual([model]);
    expect(await ok('model:get', { id: model.id })).toEqual(model);
  });

  it('updates name and spec atomically and keeps the entry in step', async () => {
    const { dir, studio, ok } = await setup();
    const model = await ok('model:create', { name: 'A', spec: mlpSpec() });
    const spec = mlpSpec({ layers: [{ type: 'dense', units: 8, activation: 'relu' }, { type: 'dropout', rate: 0.2 }, { type: 'dense', units: 2, activation: 'softmax' }] });
    const updated = await ok('model:update', { id: model.id, name: 'B', spec });
    expect(updated.name).toBe('B');
    expect(updated.spec.layers).toHaveLength(3);
    expect(updated.spec.name).toBe('B');
    expect(updated.createdAt).toBe(model.createdAt);
    expect(Date.parse(updated.updatedAt)).toBeGreaterThanOrEqual(Date.parse(model.updatedAt));
    expect(JSON.parse(await readFile(join(dir, 'models', model.id, 'spec.json'), 'utf8')).layers).toHaveLength(3);
    // Only spec.json is in the folder: no temp file is left behind by the atomic write.
    expect(await readdir(join(dir, 'models', model.id))).toEqual(['spec.json']);
    expect(studio.projects.current(CLIENT)!.manifest.models[0]).toMatchObject({ name: 'B', updatedAt: updated.updatedAt });
    const renamed = await ok('model:update', { id: model.id, name: 'C' });
    expect(renamed.spec.layers).toHaveLength(3);
    expect(renamed.spec.name).toBe('C');
  });

  it('removes a model: entry and folder gone', async () => {
    const { dir, studio, ok, call } = await setup();
    const model = await ok('model:create', { name: 'A', spec: mlpSpec() });
    expect(await ok('model:remove', { id: model.id })).toBeNull();
    expect(studio.projects.current(CLIENT)!.manifest.models).toEqual([]);
    expect(await readdir(join(dir, 'models'))).toEqual([]);
    expect(await call('model:get', { id: model.id })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('refuses a bad spec with BAD_REQUEST naming the field', async () => {
    const { call } = await setup();
    const bad = mlpSpec({ layers: [{ type: 'dense', units: 0 }] as never });
    const r = await call('model:create', { name: 'A', spec: bad });
    expect(r).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(r.ok ? '' : r.error.message).toContain('spec.layers.0.units');
    const unknownLayer = await call('model:create', { name: 'A', spec: mlpSpec({ layers: [{ type: 'lstm' }] as never }) });
    expect(unknownLayer.ok ? '' : unknownLayer.error.message).toContain('spec.layers.0.type');
    const noName = await call('model:create', { name: '  ', spec: mlpSpec() });
    expect(noName.ok ? '' : noName.error.message).toContain('name');
    const missingDataset = await call('model:create', { name: 'A', spec: mlpSpec(), datasetId: 'ds-nothere0' });
    expect(missingDataset).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await call('model:get', { id: '../../etc' })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });

  it('answers NO_PROJECT_OPEN without a project', async () => {
    const { call } = await setup();
    const other = 'ws:2';
    expect(await call('model:list', {}, other)).toMatchObject({ ok: false, error: { code: 'NO_PROJECT_OPEN' } });
    expect(await call('model:create', { name: 'A', spec: mlpSpec() }, other)).toMatchObject({ ok: false, error: { code: 'NO_PROJECT_OPEN' } });
    expect(await call('model:get', { id: 'md-abcdefgh' }, other)).toMatchObject({ ok: false, error: { code: 'NO_PROJECT_OPEN' } });
    expect(await call('model:update', { id: 'md-abcdefgh', name: 'B' }, other)).toMatchObject({ ok: false, error: { code: 'NO_PROJECT_OPEN' } });
    expect(await call('model:remove', { id: 'md-abcdefgh' }, other)).toMatchObject({ ok: false, error: { code: 'NO_PROJECT_OPEN' } });
  });
});
