/**
 * Links inside a project are refused wherever a file is read or written, not only where the
 * project file's entry folders point. Before, an entry with "dir": "datasets" and a
 * `datasets/<id>` linked outside showed (and served) the outside dataset, a `dataset.json`
 * linked to /etc/passwd was read, and a linked checkpoint folder made eval write outside.
 */
import { execFileSync } from 'node:child_process';
import { cp, mkdir, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mlpCheckpoint, mlpSpec, HYPER, useTrainingProject } from '../runs/training-fixtures';
import { useStudios } from './studio-fixture';
import { useTempDirs } from './temp-dir';
import { projectPath, readFileNoFollow } from '../../../src-main/services/project-paths';
import { writeFileAtomic } from '../../../src-main/services/atomic-write';
import { writeDurable } from '../../../src-main/datasets/blob-files';

const tempDir = useTempDirs();
const startStudio = useStudios();
const trainingProject = useTrainingProject();
const CLIENT = 'ws:1';

/** A project with the names sample imported. */
async function namesProject() {
  const root = await tempDir();
  const { studio } = await startStudio(root);
  const view = await studio.projects.create('P', root, CLIENT);
  const names = await studio.datasets.startImport(CLIENT, { source: { type: 'sample', sample: 'names' } }).done;
  return { studio, dir: view.dir, id: names.id, outside: await tempDir() };
}

const escapes = async (p: Promise<unknown>) => {
  const err = (await p.then(() => null, (e: unknown) => e)) as { code?: string; message?: string; said?: { key: string; params: Record<string, unknown> } } | null;
  expect(err, 'expected a refusal').not.toBeNull();
  return err!;
};

describe('links inside a project', () => {
  it('refuses a dataset folder linked outside, even when its entry says "dir": "datasets", for show and for the samples it would serve', async () => {
    const { studio, dir, id, outside } = await namesProject();
    await cp(join(dir, 'datasets', id), join(outside, id), { recursive: true });
    await rm(join(dir, 'datasets', id), { recursive: true });
    await symlink(join(outside, id), join(dir, 'datasets', id));
    await studio.projects.update(CLIENT, (m) => {
      m.datasets[0]!.dir = 'datasets';
    });
    const shown = await escapes(studio.datasets.get(CLIENT, id));
    expect(shown.code).toBe('PROJECT_PATH_ESCAPES');
    expect(shown.message).toBe(`datasets/${id} in the project is a link to ${join(outside, id)}: Model Studio does not follow links inside a project. Put the real folder or file there.`);
    expect(shown.said).toMatchObject({ key: 'errors.paths.linkTo', params: { path: `datasets/${id}`, target: join(outside, id) } });
    const served = await escapes(studio.datasets.readShard(CLIENT, { id, split: 'train', shard: 0, shardSize: 64, order: 'sequential' }));
    expect(served.code).toBe('PROJECT_PATH_ESCAPES');
  });

  it('does not read a dataset.json that is a link (here to /etc/passwd)', async () => {
    const { studio, dir, id } = await namesProject();
    await rm(join(dir, 'datasets', id, 'dataset.json'));
    await symlink('/etc/passwd', join(dir, 'datasets', id, 'dataset.json'));
    const err = await escapes(studio.datasets.get(CLIENT, id));
    expect(err.code).toBe('PROJECT_PATH_ESCAPES');
    expect(err.message).toContain('/etc/passwd');
  });

  it('does not load a linked blob of a dataset', async () => {
    const { studio, dir, id, outside } = await namesProject();
    await cp(join(dir, 'datasets', id, 'y.bin'), join(outside, 'y.bin'));
    await rm(join(dir, 'datasets', id, 'y.bin'));
    await symlink(join(outside, 'y.bin'), join(dir, 'datasets', id, 'y.bin'));
    expect((await escapes(studio.datasets.samples(CLIENT, { id, split: 'train', offset: 0, limit: 4 }))).code).toBe('PROJECT_PATH_ESCAPES');
  });

  it('writes no evaluation through a checkpoint folder linked outside, and reads no run.json that is a link', async () => {
    const { ok, call, dir } = await trainingProject();
    const run = await ok('run:create', { spec: mlpSpec(), datasetId: 'ds-abcd1234', hyper: HYPER });
    const ck = await ok('checkpoint:save', mlpCheckpoint(run.id, 0));
    const outside = await tempDir();
    await cp(join(dir, 'checkpoints', ck.id), join(outside, ck.id), { recursive: true });
    await rm(join(dir, 'checkpoints', ck.id), { recursive: true });
    await symlink(join(outside, ck.id), join(dir, 'checkpoints', ck.id));
    const result = {
      accuracy: 0.5, loss: 0.7, confusion: [[1, 1], [1, 1]],
      perClass: [{ precision: 0.5, recall: 0.5, f1: 0.5, support: 2 }, { precision: 0.5, recall: 0.5, f1: 0.5, support: 2 }],
      latencyMsPerSample: 0.1, backend: 'cpu', misclassified: [], createdAt: '2025-01-02T03:04:05.000Z',
    };
    const saved = await call('eval:save', { checkpointId: ck.id, split: 'test', result });
    expect(saved.ok).toBe(false);
    expect(!saved.ok && saved.error.code).toBe('PROJECT_PATH_ESCAPES');
    expect((await readdir(join(outside, ck.id))).filter((f) => f.startsWith('eval-'))).toEqual([]);

    await mkdir(join(outside, 'runs'), { recursive: true });
    await writeFile(join(outside, 'runs', 'run.json'), '{}');
    await rm(join(dir, 'runs', run.id, 'run.json'));
    await symlink(join(outside, 'runs', 'run.json'), join(dir, 'runs', run.id, 'run.json'));
    const got = await call('run:get', { runId: run.id });
    expect(!got.ok && got.error.code).toBe('PROJECT_PATH_ESCAPES');

  });

  it('writes no new checkpoint, dataset or model through a kind folder that is itself a link, and reads no FIFO put where dataset.json should be', async () => {
    const { ok, call, dir } = await trainingProject();
    const run = await ok('run:create', { spec: mlpSpec(), datasetId: 'ds-abcd1234', hyper: HYPER });
    const outside = await tempDir();
    await rm(join(dir, 'checkpoints'), { recursive: true, force: true });
    await symlink(outside, join(dir, 'checkpoints'));
    const saved = await call('checkpoint:save', mlpCheckpoint(run.id, 0));
    expect(!saved.ok && saved.error.code).toBe('PROJECT_PATH_ESCAPES');
    expect(await readdir(outside)).toEqual([]);
    await rm(join(dir, 'models'), { recursive: true, force: true });
    await symlink(outside, join(dir, 'models'));
    const model = await call('model:create', { name: 'M', spec: mlpSpec() });
    expect(!model.ok && model.error.code).toBe('PROJECT_PATH_ESCAPES');
    expect(await readdir(outside)).toEqual([]);

    const names = await namesProject();
    await rm(join(names.dir, 'datasets', names.id, 'dataset.json'));
    execFileSync('mkfifo', [join(names.dir, 'datasets', names.id, 'dataset.json')]);
    expect((await escapes(names.studio.datasets.get(CLIENT, names.id))).code).toBe('PROJECT_PATH_ESCAPES');
  });

  it('refuses a file whose folder was swapped for a link between the check and the open (the race), and still reads through a linked folder above the project', async () => {
    const { dir, id, outside } = await namesProject();
    // The check passes on the real folder…
    const path = await projectPath(dir, 'datasets', id, 'dataset.json');
    // …then the folder is replaced by a link to a copy outside before the read opens the file.
    await cp(join(dir, 'datasets', id), join(outside, id), { recursive: true });
    await rm(join(dir, 'datasets', id), { recursive: true });
    await symlink(join(outside, id), join(dir, 'datasets', id));
    const err = await escapes(readFileNoFollow(path));
    expect(err.code).toBe('PROJECT_PATH_ESCAPES');
    expect(err.message).toMatch(new RegExp(`datasets/${id}/dataset.json in the project changed while it was opened: it now leads to .*${outside.split('/').pop()}`));

    // A link above the project is the person's own layout: followed as before.
    const { dir: other, id: otherId } = await namesProject();
    const alias = join(await tempDir(), 'alias');
    await symlink(other, alias);
    const viaAlias = await projectPath(alias, 'datasets', otherId, 'dataset.json');
    expect(JSON.parse(await readFileNoFollow(viaAlias, 'utf8')).id).toBe(otherId);
  });

  it('writes nothing through a folder swapped for a link after its check, and leaves no file where the link points', async () => {
    const { dir, id, outside } = await namesProject();
    const target = await projectPath(dir, 'datasets', id, 'notes.json');
    await cp(join(dir, 'datasets', id), join(outside, id), { recursive: true });
    await rm(join(dir, 'datasets', id), { recursive: true });
    await symlink(join(outside, id), join(dir, 'datasets', id));
    const before = (await readdir(join(outside, id))).sort();
    expect((await escapes(writeFileAtomic(target, '{}'))).code).toBe('PROJECT_PATH_ESCAPES');
    expect((await escapes(writeDurable(target, '{}'))).code).toBe('PROJECT_PATH_ESCAPES');
    expect((await readdir(join(outside, id))).sort()).toEqual(before);
  });
});

