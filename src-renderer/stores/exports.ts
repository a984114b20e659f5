/**
 * The project's exports, mirrored from main's export service, and the export jobs started from
 * this window: an export runs as a job in main (written, then verified by stock TF.js in its own
 * process), with progress and Cancel; when it ends the list is fetched again.
 */
import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import type { ExportFormat, ExportMeta, ExportPrecision } from '../../src-shared/exports/export-meta';
import { useStudio } from '../bridge';
import { jobError } from './errors';
import { useJobsStore } from './jobs';
import { useProjectStore } from './project';

export interface ExportRequest {
  checkpointId: string;
  format: ExportFormat;
  precision: ExportPrecision;
  verify: number;
  name?: string;
  /** ONNX: also a Triton / KServe model repository. */
  triton?: boolean;
}

export const useExportsStore = defineStore('exports', () => {
  const studio = useStudio();
  const project = useProjectStore();
  const jobs = useJobsStore();
  const items = ref<ExportMeta[]>([]);
  /** Export jobs started here, with the export each makes. */
  const started = ref<{ jobId: string; exportId: string }[]>([]);
  const jobsHere = computed(() => started.value.map((s) => ({ ...s, job: jobs.all.find((j) => j.id === s.jobId) })).filter((s) => s.job !== undefined));
  const running = computed(() => jobsHere.value.filter((s) => s.job!.status === 'running').map((s) => s.job!));
  /** The export the last finished job made, to show it. */
  const made = ref<string | null>(null);

  watch(
    () => jobsHere.value.map((s) => `${s.jobId}:${s.job!.status}`).join(','),
    async (now, before = '') => {
      for (const s of jobsHere.value) {
        const status = s.job!.status;
        if (before.includes(`${s.jobId}:${status}`) || status === 'running') continue;
        if (status === 'failed') {
          project.reportError(jobError(s.job!.error, 'The export failed.'));
        }
        if (status === 'done') made.value = s.exportId;
        await refresh();
      }
    },
  );

  async function refresh(): Promise<void> {
    try {
      items.value = await studio.call(studio.api.export.list({}));
    } catch (err) {
      project.reportError(err);
    }
  }

  /** Starts an export job; false (with the error shown) when main refuses it. */
  async function start(req: ExportRequest): Promise<boolean> {
    try {
      const { jobId, exportId } = await studio.call(studio.api.export.start(req));
      started.value = [...started.value, { jobId, exportId }];
      return true;
    } catch (err) {
      project.reportError(err);
      return false;
    }
  }

  async function remove(id: string): Promise<void> {
    try {
      await studio.call(studio.api.export.remove({ id }));
      await refresh();
    } catch (err) {
      project.reportError(err);
    }
  }

  /** Shows the export's folder in the file manager; the folder's path when this shell cannot. */
  async function reveal(id: string): Promise<{ shown: boolean; path: string } | null> {
    try {
      return await studio.call(studio.api.export.reveal({ id }));
    } catch (err) {
      project.reportError(err);
      return null;
    }
  }

  return { items, running, made, refresh, start, remove, reveal };
});
