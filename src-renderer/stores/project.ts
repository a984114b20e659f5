/** The project open in this window, mirrored from main's project service via project:changed. */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { StudioErrorData } from '../../src-shared/errors';
import type { ProjectView } from '../../src-shared/ipc/contract';
import { useStudio } from '../bridge';
import { errorData } from './errors';
import { useRecentStore } from './recent';

export const useProjectStore = defineStore('project', () => {
  const studio = useStudio();
  const recent = useRecentStore();
  const current = ref<ProjectView | null>(null);
  /** The last failure of an open/create/close, shown by the error panel until dismissed. */
  const error = ref<StudioErrorData | null>(null);
  /** What is in progress, so buttons can disable themselves and say why. */
  const busy = ref<'opening' | 'creating' | 'closing' | null>(null);
  let started = false;

  const isOpen = computed(() => current.value !== null);
  const name = computed(() => current.value?.manifest.name ?? null);

  /** Subscribes to project:changed, then fetches the project main already has open (after a reload). */
  async function start(signal?: AbortSignal): Promise<void> {
    if (started) return;
    started = true;
    studio.on('project:changed', (view) => (current.value = view), { signal });
    try {
      const view = await studio.call(studio.api.project.current({}));
      // An event that arrived during the fetch is newer; keep it.
      current.value ??= view;
    } catch (err) {
      error.value = errorData(err);
    }
  }

  // Runs one action, recording a failure instead of throwing so the current screen stays.
  async function attempt(kind: NonNullable<typeof busy.value>, fn: () => Promise<void>): Promise<boolean> {
    busy.value = kind;
    try {
      await fn();
      error.value = null;
      return true;
    } catch (err) {
      error.value = errorData(err);
      return false;
    } finally {
      busy.value = null;
      void recent.refresh();
    }
  }

  /** Creates a project and opens it; resolves false (with `error` set) on failure. */
  function create(name: string, parentDir: string): Promise<boolean> {
    return attempt('creating', async () => {
      current.value = await studio.call(studio.api.project.create({ name, parentDir }));
    });
  }

  /** Opens the project file at a path; resolves false (with `error` set) on failure. */
  function open(path: string): Promise<boolean> {
    return attempt('opening', async () => {
      current.value = await studio.call(studio.api.project.open({ path }));
    });
  }

  /** Closes the open project (main saves it first). */
  function close(): Promise<boolean> {
    return attempt('closing', async () => {
      await studio.call(studio.api.project.close({}));
      current.value = null;
    });
  }

  function dismissError(): void {
    error.value = null;
  }

  /** Shows an error from elsewhere (a dialog call) in the same panel. */
  function reportError(err: unknown): void {
    error.value = errorData(err);
  }

  return { current, error, busy, isOpen, name, start, create, open, close, dismissError, reportError };
});
