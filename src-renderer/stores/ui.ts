/** Window-local UI state: which dialog is open and which project section is shown. */
import { defineStore } from 'pinia';
import { ref } from 'vue';

/** The project sections in sidebar order (Ctrl/Cmd+1..5 follow this order). */
export const SECTIONS = ['datasets', 'models', 'runs', 'compression', 'exports'] as const;
export type Section = (typeof SECTIONS)[number];

export const useUiStore = defineStore('ui', () => {
  const section = ref<Section>('datasets');
  const dialog = ref<'new-project' | 'open-path' | 'add-dataset' | 'settings' | null>(null);
  /** Set by the model editor's "Train…": the runs section opens New run for this model. */
  const trainModelId = ref<string | null>(null);
  /** Set by "Compress…" on a checkpoint: the compression section opens its form for it. */
  const compressCheckpointId = ref<string | null>(null);
  /** Set by "Export…" on a checkpoint: the exports section opens its dialog for it. */
  const exportCheckpointId = ref<string | null>(null);
  return { section, dialog, trainModelId, compressCheckpointId, exportCheckpointId };
});
