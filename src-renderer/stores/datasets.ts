/**
 * The open project's datasets, mirrored from main's dataset service: listed once per project
 * and again whenever the project manifest changes (project:changed after an import or removal).
 * Imports run as jobs in main; the store remembers the ones started here so the view can show
 * their progress, and reports a failed one in the error panel.
 */
import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import type { DamagedDataset, DatasetImportRequest, DatasetManifest, SplitConfig } from '../../src-shared/datasets/schema';
import type { RequestOf } from '../../src-shared/ipc/contract';
import { useStudio } from '../bridge';
import { jobError } from './errors';
import { useProjectList } from '../composables/use-project-list';
import { useJobsStore } from './jobs';
import { useProjectStore } from './project';

export const useDatasetsStore = defineStore('datasets', () => {
  const studio = useStudio();
  const project = useProjectStore();
  const jobs = useJobsStore();
  /** Datasets the project lists whose files cannot be read (with why): shown so they can be removed. */
  const damaged = ref<DamagedDataset[]>([]);
  const { items, loaded, selectedId, selected, refresh } = useProjectList<DatasetManifest>(async () => {
    const [list, broken] = await Promise.all([studio.call(studio.api.dataset.list({})), studio.call(studio.api.dataset.damaged({}))]);
    damaged.value = broken;
    return list;
  });
  /** Import jobs started from this window, newest last. */
  const importJobIds = ref<string[]>([]);
  const importJobs = computed(() =>
    importJobIds.value.map((id) => jobs.all.find((j) => j.id === id)).filter((j) => j !== undefined),
  );
  const runningImports = computed(() => importJobs.value.filter((j) => j.status === 'running'));

  // A failed import says why in the error panel, as any failed action does.
  watch(
    () => importJobs.value.filter((j) => j.status === 'failed').map((j) => j.id),
    (failed, before = []) => {
      for (const id of failed) {
        if (before.includes(id)) continue;
        const job = importJobs.value.find((j) => j.id === id);
        project.reportError(jobError(job?.error, 'The import failed.'));
      }
    },
  );

  /** Starts an import job; resolves its id, or null (with the error shown) when main refuses. */
  async function importDataset(req: DatasetImportRequest): Promise<string | null> {
    try {
      const { jobId } = await studio.call(studio.api.dataset.import(req));
      importJobIds.value = [...importJobIds.value, jobId];
      return jobId;
    } catch (err) {
      project.reportError(err);
      return null;
    }
  }

  function replace(manifest: DatasetManifest): void {
    items.value = items.value.map((d) => (d.id === manifest.id ? manifest : d));
  }

  /** Fetches one dataset's manifest again (e.g. after an import report changed). */
  async function get(id: string): Promise<DatasetManifest | null> {
    try {
      const m = await studio.call(studio.api.dataset.get({ id }));
      replace(m);
      return m;
    } catch (err) {
      project.reportError(err);
      return null;
    }
  }

  /** Splits a dataset again with another seed or other fractions; resolves false on failure. */
  async function resplit(id: string, split: SplitConfig): Promise<boolean> {
    try {
      replace(await studio.call(studio.api.dataset.resplit({ id, split })));
      return true;
    } catch (err) {
      project.reportError(err);
      return false;
    }
  }

  /** Removes a dataset from the project (main deletes its folder and updates the manifest). */
  async function remove(id: string): Promise<boolean> {
    try {
      await studio.call(studio.api.dataset.remove({ id }));
      items.value = items.value.filter((d) => d.id !== id);
      damaged.value = damaged.value.filter((d) => d.id !== id);
      if (selectedId.value === id) selectedId.value = null;
      return true;
    } catch (err) {
      project.reportError(err);
      return false;
    }
  }

  /** A page of samples for the dataset view; throws StudioError on failure. */
  function samples(req: RequestOf<'dataset:samples'>) {
    return studio.call(studio.api.dataset.samples(req));
  }

  /** Asks main what importer would read a path (CSV columns, class folders). */
  function inspect(path: string) {
    return studio.call(studio.api.dataset.inspect({ path }));
  }

  function select(id: string | null): void {
    selectedId.value = id;
  }

  return {
    items,
    damaged,
    loaded,
    selectedId,
    selected,
    importJobs,
    runningImports,
    refresh,
    importDataset,
    get,
    resplit,
    remove,
    samples,
    inspect,
    select,
  };
});
