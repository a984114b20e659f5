/**
 * The open project's models (model:*), listed once per project and again when the manifest
 * changes. Unsaved edits live here as drafts, so leaving the editor for another section keeps them.
 */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { ModelView } from '../../src-shared/ipc/training-contract';
import type { ModelSpec } from '../../src-shared/models/spec';
import { useStudio } from '../bridge';
import { useProjectList } from '../composables/use-project-list';
import { useProjectStore } from './project';

/** Whether two specs differ (key order as the editor writes them). */
export function specsDiffer(a: ModelSpec, b: ModelSpec): boolean {
  return JSON.stringify(a) !== JSON.stringify(b);
}

export const useModelsStore = defineStore('models', () => {
  const studio = useStudio();
  const project = useProjectStore();
  /** Edited, unsaved specs by model id. */
  const drafts = ref<Record<string, ModelSpec>>({});
  const saving = ref(false);
  const { items, loaded, selectedId, selected, refresh } = useProjectList<ModelView>(
    () => studio.call(studio.api.model.list({})),
    { onProjectSwitch: () => (drafts.value = {}) },
  );

  function upsert(model: ModelView): void {
    const i = items.value.findIndex((m) => m.id === model.id);
    items.value = i < 0 ? [...items.value, model] : items.value.map((m) => (m.id === model.id ? model : m));
  }

  /** Creates a model from a spec (a template's) for a dataset and selects it; null on failure. */
  async function create(name: string, spec: ModelSpec, datasetId: string | null): Promise<ModelView | null> {
    try {
      const model = await studio.call(studio.api.model.create({ name, spec, ...(datasetId ? { datasetId } : {}) }));
      upsert(model);
      selectedId.value = model.id;
      return model;
    } catch (err) {
      project.reportError(err);
      return null;
    }
  }

  /** The spec the editor shows: the draft if there is one, else the saved spec. */
  function specOf(id: string): ModelSpec | null {
    return drafts.value[id] ?? items.value.find((m) => m.id === id)?.spec ?? null;
  }

  /** Records an edit; a draft equal to the saved spec is dropped. */
  function edit(id: string, spec: ModelSpec): void {
    const saved = items.value.find((m) => m.id === id)?.spec;
    const next = { ...drafts.value };
    if (saved && !specsDiffer(saved, spec)) delete next[id];
    else next[id] = spec;
    drafts.value = next;
  }

  function isDirty(id: string): boolean {
    return id in drafts.value;
  }

  function discard(id: string): void {
    const next = { ...drafts.value };
    delete next[id];
    drafts.value = next;
  }

  /** Saves a model's draft (model:update); resolves false (error shown) on failure. */
  async function save(id: string): Promise<boolean> {
    const spec = drafts.value[id];
    if (!spec) return true;
    saving.value = true;
    try {
      upsert(await studio.call(studio.api.model.update({ id, spec })));
      discard(id);
      return true;
    } catch (err) {
      project.reportError(err);
      return false;
    } finally {
      saving.value = false;
    }
  }

  async function remove(id: string): Promise<boolean> {
    try {
      await studio.call(studio.api.model.remove({ id }));
      items.value = items.value.filter((m) => m.id !== id);
      discard(id);
      if (selectedId.value === id) selectedId.value = null;
      return true;
    } catch (err) {
      project.reportError(err);
      return false;
    }
  }

  function select(id: string | null): void {
    selectedId.value = id;
  }

  return { items, loaded, selectedId, selected, drafts, saving, refresh, create, specOf, edit, isDirty, discard, save, remove, select };
});
