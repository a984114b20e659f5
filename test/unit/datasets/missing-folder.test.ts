/** A dataset whose files are gone says which, and the project's other datasets keep working. */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useStudios } from '../services/studio-fixture';
import { useTempDirs } from '../services/temp-dir';

const tempDir = useTempDirs();
const startStudio = useStudios();
const CLIENT = 'ws:1';

describe('a dataset with missing files', () => {
  it('says its folder is missing (or its dataset.json), and leaves the other datasets readable', async () => {
    const root = await tempDir();
    const { studio } = await startStudio(root);
    const view = await studio.projects.create('P', root, CLIENT);
    const gone = await studio.datasets.startImport(CLIENT, { source: { type: 'sample', sample: 'names' } }).done;
    const kept = await studio.datasets.startImport(CLIENT, { source: { type: 'sample', sample: 'names' } }).done;
    await rm(join(view.dir, 'datasets', gone.id), { recursive: true });
    const err = await studio.datasets.get(CLIENT, gone.id).then(() => null, (e: { code: string; message: string; said?: { key: string } }) => e);
    expect(err).toMatchObject({
      code: 'NOT_FOUND',
      message: `Dataset ${gone.id}: its folder datasets/${gone.id} is missing from the project folder. Restore the folder, or remove the dataset and import it again.`,
      said: { key: 'errors.dataset.folderMissing' },
    });
    expect((await studio.datasets.get(CLIENT, kept.id)).name).toBe(kept.name);
    expect((await studio.datasets.list(CLIENT)).map((d) => d.id)).toEqual([kept.id]);
    // The damaged list says why by key too, for the app to say it in its language.
    expect(await studio.datasets.damaged(CLIENT)).toEqual([{ id: gone.id, name: gone.name, reason: err!.message, said: expect.objectContaining({ key: 'errors.dataset.folderMissing' }) }]);

    await rm(join(view.dir, 'datasets', kept.id, 'dataset.json'));
    const noManifest = await studio.datasets.get(CLIENT, kept.id).then(() => null, (e: { message: string; said?: { key: string } }) => e);
    expect(noManifest?.message).toBe(`Dataset ${kept.id}: datasets/${kept.id}/dataset.json is missing, so its files cannot be read. Remove the dataset and import it again.`);
    expect(noManifest?.said?.key).toBe('errors.dataset.manifestMissing');
  });
});
