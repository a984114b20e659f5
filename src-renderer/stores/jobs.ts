/** Long-running jobs in main (imports, training, exports), kept current by job:updated events. */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { JobSnapshot } from '../../src-shared/ipc/contract';
import { useStudio } from '../bridge';

export const useJobsStore = defineStore('jobs', () => {
  const studio = useStudio();
  const byId = ref(new Map<string, JobSnapshot>());
  let started = false;

  const all = computed(() => [...byId.value.values()]);
  const running = computed(() => all.value.filter((j) => j.status === 'running'));

  function apply(job: JobSnapshot): void {
    byId.value.set(job.id, job);
  }

  /** Subscribes first (so no update is lost), then fetches the current list once. */
  async function start(signal?: AbortSignal): Promise<void> {
    if (started) return;
    started = true;
    studio.on('job:updated', apply, { signal });
    try {
      for (const job of await studio.call(studio.api.job.list({}))) {
        // An event may already have delivered a newer snapshot of this job.
        if (!byId.value.has(job.id)) apply(job);
      }
    } catch {
      // Without the list, events still fill it in as jobs change.
    }
  }

  /** Asks main to cancel a job; the resulting status arrives as a job:updated event too. */
  async function cancel(id: string): Promise<void> {
    apply(await studio.call(studio.api.job.cancel({ id })));
  }

  return { all, running, start, cancel };
});
