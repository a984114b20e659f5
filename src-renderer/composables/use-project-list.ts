/**
 * A list that belongs to the open project (datasets, models, ...): read from main once per
 * project and again whenever project:changed replaces the project, with a stale answer dropped
 * and the selection cleared when another project opens.
 */
import { computed, ref, watch, type Ref } from 'vue';
import type { ProjectView } from '../../src-shared/ipc/contract';
import { useProjectStore } from '../stores/project';

export function useProjectList<T extends { id: string }>(
  fetch: () => Promise<T[]>,
  opts: { onProjectSwitch?(): void } = {},
) {
  const project = useProjectStore();
  const items = ref([]) as Ref<T[]>;
  const loaded = ref(false);
  const selectedId = ref<string | null>(null);
  const selected = computed(() => items.value.find((item) => item.id === selectedId.value) ?? null);
  let generation = 0;

  /** Re-reads the list from main; an answer for a project no longer open is dropped. */
  async function refresh(): Promise<void> {
    const mine = ++generation;
    if (!project.current) {
      items.value = [];
      loaded.value = false;
      return;
    }
    try {
      const list = await fetch();
      if (mine !== generation) return;
      items.value = list;
      loaded.value = true;
      if (selectedId.value && !list.some((item) => item.id === selectedId.value)) selectedId.value = null;
    } catch (err) {
      if (mine === generation) project.reportError(err);
    }
  }

  // Every project:changed (open, import done, removal, save) replaces project.current: read again.
  watch(
    () => project.current,
    (now: ProjectView | null, before: ProjectView | null | undefined) => {
      if (now?.path !== before?.path) {
        selectedId.value = null;
        opts.onProjectSwitch?.();
      }
      void refresh();
    },
    { immediate: true },
  );

  return { items, loaded, selectedId, selected, refresh };
}
