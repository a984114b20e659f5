/**
 * Classical baselines of the open dataset: its leaderboard (baselines and evaluated networks,
 * from main), its stored baseline runs, and the baseline jobs started from this window (fitted
 * in their own process in main, with progress and Cancel; when one ends the lists are fetched
 * again).
 */
import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import type { BaselineListing } from '../../src-shared/baselines/baseline-meta';
import type { BaselineModelName } from '../../src-shared/baselines/settings';
import type { LeaderboardRow } from '../../src-shared/ipc/baseline-contract';
import type { RequestOf } from '../../src-shared/ipc/contract';
import { useStudio } from '../bridge';
import { jobError } from './errors';
import { useJobsStore } from './jobs';
import { useProjectStore } from './project';

export type BaselineRequest = RequestOf<'baseline:start'>;

export const useBaselinesStore = defineStore('baselines', () => {
  const studio = useStudio();
  const project = useProjectStore();
  const jobs = useJobsStore();
  /** The dataset the lists are of. */
  const datasetId = ref<string | null>(null);
  const rows = ref<LeaderboardRow[]>([]);
  const runs = ref<BaselineListing[]>([]);
  const loading = ref(false);
  const started = ref<{ jobId: string; baselineId: string; datasetId: string; models: BaselineModelName[] }[]>([]);
  const jobsHere = computed(() => started.value.map((s) => ({ ...s, job: jobs.all.find((j) => j.id === s.jobId) })).filter((s) => s.job !== undefined));
  /** The running job of the shown dataset, if any. */
  const running = computed(() => jobsHere.value.find((s) => s.datasetId === datasetId.value && s.job!.status === 'running') ?? null);

  watch(
    () => jobsHere.value.map((s) => `${s.jobId}:${s.job!.status}`).join(','),
    async (now, before = '') => {
      for (const s of jobsHere.value) {
        const status = s.job!.status;
        if (before.includes(`${s.jobId}:${status}`) || status === 'running') continue;
        if (status === 'failed') {
          project.reportError(jobError(s.job!.error, 'The baselines failed.'));
        }
        if (s.datasetId === datasetId.value) await refresh();
      }
    },
  );

  /** Fetches the leaderboard and the runs of `id` (the shown dataset when omitted). */
  async function refresh(id: string | null = datasetId.value): Promise<void> {
    if (id !== datasetId.value) {
      datasetId.value = id;
      rows.value = [];
      runs.value = [];
    }
    if (!id) return;
    loading.value = true;
    try {
      const [board, listed] = await Promise.all([studio.call(studio.api.baseline.leaderboard({ datasetId: id })), studio.call(studio.api.baseline.list({ datasetId: id }))]);
      if (datasetId.value !== id) return;
      rows.value = board;
      runs.value = listed;
    } catch (err) {
      project.reportError(err);
    } finally {
      loading.value = false;
    }
  }

  /** Starts a baseline job; false (with the error shown) when main refuses it. */
  async function start(req: BaselineRequest): Promise<boolean> {
    try {
      const { jobId, baselineId } = await studio.call(studio.api.baseline.start(req));
      started.value = [...started.value, { jobId, baselineId, datasetId: req.datasetId, models: req.models ?? [] }];
      return true;
    } catch (err) {
      project.reportError(err);
      return false;
    }
  }

  async function remove(id: string): Promise<void> {
    try {
      await studio.call(studio.api.baseline.remove({ id }));
      await refresh();
    } catch (err) {
      project.reportError(err);
    }
  }

  return { datasetId, rows, runs, loading, running, refresh, start, remove };
});
