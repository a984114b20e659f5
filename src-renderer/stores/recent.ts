/** The recent-projects list kept by main's recent service. */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { RecentProject } from '../../src-shared/ipc/contract';
import { useStudio } from '../bridge';

export const useRecentStore = defineStore('recent', () => {
  const studio = useStudio();
  const items = ref<RecentProject[]>([]);
  const loaded = ref(false);

  /** Re-reads the list (main updates it whenever a project is opened or created). */
  async function refresh(): Promise<void> {
    try {
      items.value = await studio.call(studio.api.recent.list({}));
      loaded.value = true;
    } catch {
      // The list is a convenience; a failure leaves the last known list in place.
    }
  }

  /** Drops one entry (typically a project that no longer exists). */
  async function remove(path: string): Promise<void> {
    items.value = await studio.call(studio.api.recent.remove({ path }));
  }

  return { items, loaded, refresh, remove };
});
