import { enableAutoUnmount, flushPromises, type DOMWrapper } from '@vue/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { nextTick } from 'vue';
import { LAYER_DRAG_TYPE } from '../../src-renderer/components/models/layer-reorder';
import type { RequestOf } from '../../src-shared/ipc/contract';
import { openModelEditor } from './model-editor-fixtures';

enableAutoUnmount(afterEach);

const ROW_HEIGHT = 40;
const SEED_TYPES = ['conv2d', 'maxPool2d', 'conv2d', 'maxPool2d', 'conv2d', 'flatten', 'dense', 'dense'];

/** What a browser's DataTransfer records during a drag (happy-dom's DragEvent carries none). */
class DataTransferStub {
  effectAllowed = 'uninitialized';
  dropEffect = 'none';
  readonly data = new Map<string, string>();
  dragImage: Element | null = null;
  setData(type: string, value: string): void {
    this.data.set(type, value);
  }
  getData(type: string): string {
    return this.data.get(type) ?? '';
  }
  get types(): string[] {
    return [...this.data.keys()];
  }
  setDragImage(el: Element): void {
    this.dragImage = el;
  }
}

async function openEditor() {
  const { studio, wrapper, rows, types, total } = await openModelEditor();
  // Rows stacked ROW_HEIGHT apart from y = 0, as a browser would lay them out (happy-dom has no layout).
  for (const row of rows()) {
    const el = row.element as HTMLElement;
    el.getBoundingClientRect = () => new DOMRect(0, Number(el.dataset.index) * ROW_HEIGHT, 800, ROW_HEIGHT);
  }
  const shapes = () => rows().map((r) => r.find('[data-testid="layer-shape"]').text());
  const dropLines = () => rows().filter((r) => r.attributes('data-drop')).map((r) => [Number(r.attributes('data-index')), r.attributes('data-drop')]);
  const unsaved = () => wrapper.find('[data-testid="unsaved-marker"]').exists();
  return { studio, wrapper, rows, types, shapes, dropLines, total, unsaved };
}

/** Dispatches a drag event as the browser would, and returns it to see whether it was accepted. */
async function fire(target: DOMWrapper<Element>, type: string, dataTransfer: DataTransferStub, clientY = 0): Promise<Event> {
  const ev = new Event(type, { bubbles: true, cancelable: true });
  Object.assign(ev, { clientY, clientX: 4, dataTransfer });
  target.element.dispatchEvent(ev);
  await nextTick();
  return ev;
}

/** A y inside the top (before) or bottom (after) half of row `i`. */
function yIn(i: number, half: 'top' | 'bottom'): number {
  return i * ROW_HEIGHT + (half === 'top' ? 5 : ROW_HEIGHT - 5);
}

describe('model editor: drag to reorder', () => {
  it('gives every row a labelled drag handle', async () => {
    const { rows } = await openEditor();
    const handle = rows()[0]!.find('[data-testid="layer-drag-handle"]');
    expect(handle.attributes('draggable')).toBe('true');
    expect(handle.attributes('aria-label')).toMatch(/^Drag to move this layer/);
    expect(handle.attributes('title')).toBe(handle.attributes('aria-label'));
    expect(rows().every((r) => r.find('[data-testid="layer-drag-handle"]').exists())).toBe(true);
  });

  it('drags row 1 below row 3: the spec reorders, the shapes and totals follow, and Save stores it', async () => {
    const { studio, wrapper, rows, types, shapes, dropLines, total, unsaved } = await openEditor();
    expect(total().attributes('data-flops')).toBe('5588480');
    const dt = new DataTransferStub();

    await fire(rows()[0]!.find('[data-testid="layer-drag-handle"]'), 'dragstart', dt, yIn(0, 'top'));
    expect(dt.effectAllowed).toBe('move');
    expect(dt.getData(LAYER_DRAG_TYPE)).toBe('0');
    expect(dt.dragImage).toBe(rows()[0]!.element);
    expect(rows()[0]!.classes()).toContain('dragged');

    // Over its own row there is nowhere to move: no line.
    await fire(rows()[0]!, 'dragover', dt, yIn(0, 'bottom'));
    expect(dropLines()).toEqual([]);
    // Entering the bottom half of row 3: one line, between rows 3 and 4.
    const entered = await fire(rows()[2]!, 'dragenter', dt, yIn(2, 'bottom'));
    expect(entered.defaultPrevented).toBe(true);
    expect(dropLines()).toEqual([[3, 'before']]);
    await fire(rows()[2]!, 'dragover', dt, yIn(2, 'top'));
    expect(dropLines()).toEqual([[2, 'before']]);
    const over = await fire(rows()[2]!, 'dragover', dt, yIn(2, 'bottom'));
    expect(over.defaultPrevented).toBe(true);
    expect(dt.dropEffect).toBe('move');
    expect(dropLines()).toEqual([[3, 'before']]);

    const dropped = await fire(rows()[2]!, 'drop', dt, yIn(2, 'bottom'));
    expect(dropped.defaultPrevented).toBe(true);
    await fire(rows()[0]!.find('[data-testid="layer-drag-handle"]'), 'dragend', dt);
    await flushPromises();

    expect(types()).toEqual(['maxPool2d', 'conv2d', 'conv2d', 'maxPool2d', 'conv2d', 'flatten', 'dense', 'dense']);
    expect(dropLines()).toEqual([]);
    expect(rows().some((r) => r.classes().includes('dragged'))).toBe(false);
    // The 64-filter conv now sees the pooled 14x14 image, and the 32-filter conv follows it.
    expect(shapes()).toEqual(['14×14×1', '12×12×64', '10×10×32', '5×5×32', '3×3×64', '576', '64', '10']);
    expect(rows()[1]!.find('[data-testid="layer-params"]').text()).toBe('640');
    // Params 640 + 18,464 + 18,496 + 36,928 + 650; FLOPs 2 x (82,944 + 1,843,200 + 165,888 + 36,864 + 640) multiply-adds.
    expect(total().attributes('data-params')).toBe('75178');
    expect(total().attributes('data-flops')).toBe('4259072');
    // The moved layer is selected and focused, as after a move with the buttons.
    expect(rows()[2]!.classes()).toContain('selected');
    expect(document.activeElement).toBe(rows()[2]!.element);
    expect(unsaved()).toBe(true);

    await wrapper.find('[data-testid="save-model-button"]').trigger('click');
    await flushPromises();
    const saved = studio.callsTo('model:update') as RequestOf<'model:update'>[];
    expect(saved).toHaveLength(1);
    expect(saved[0]!.spec!.layers.map((l) => l.type)).toEqual(types());
  });

  it('drops at the top and at the bottom of the list', async () => {
    const { rows, types, dropLines } = await openEditor();
    const dt = new DataTransferStub();
    await fire(rows()[5]!.find('[data-testid="layer-drag-handle"]'), 'dragstart', dt);
    await fire(rows()[0]!, 'dragover', dt, yIn(0, 'top'));
    expect(dropLines()).toEqual([[0, 'before']]);
    await fire(rows()[0]!, 'drop', dt, yIn(0, 'top'));
    expect(types()[0]).toBe('flatten');

    await fire(rows()[0]!.find('[data-testid="layer-drag-handle"]'), 'dragstart', dt);
    await fire(rows()[7]!, 'dragover', dt, yIn(7, 'bottom'));
    expect(dropLines()).toEqual([[7, 'after']]);
    await fire(rows()[7]!, 'drop', dt, yIn(7, 'bottom'));
    expect(types()).toEqual([...SEED_TYPES.slice(0, 5), 'dense', 'dense', 'flatten']);
  });

  it('changes nothing when the drag is cancelled (Escape or a drop outside) or dropped in place', async () => {
    const { rows, types, dropLines, unsaved, wrapper } = await openEditor();
    const dt = new DataTransferStub();
    const handle = () => rows()[1]!.find('[data-testid="layer-drag-handle"]');

    // Escape, or a drop outside the list, ends the drag with only a dragend on the handle.
    await fire(handle(), 'dragstart', dt);
    await fire(rows()[5]!, 'dragover', dt, yIn(5, 'top'));
    expect(dropLines()).toEqual([[5, 'before']]);
    await fire(handle(), 'dragend', dt);
    expect(types()).toEqual(SEED_TYPES);
    expect(dropLines()).toEqual([]);
    expect(unsaved()).toBe(false);

    // Leaving the list hides the line.
    await fire(handle(), 'dragstart', dt);
    await fire(rows()[5]!, 'dragover', dt, yIn(5, 'top'));
    const leave = new Event('dragleave', { bubbles: true });
    Object.assign(leave, { relatedTarget: wrapper.find('[data-testid="add-layer-button"]').element });
    rows()[5]!.element.dispatchEvent(leave);
    await nextTick();
    expect(dropLines()).toEqual([]);
    await fire(handle(), 'dragend', dt);

    // Onto its own place: either half of itself, or the gap just below it.
    for (const [row, half] of [[1, 'top'], [1, 'bottom'], [2, 'top']] as const) {
      await fire(handle(), 'dragstart', dt);
      await fire(rows()[row]!, 'dragover', dt, yIn(row, half));
      expect(dropLines()).toEqual([]);
      await fire(rows()[row]!, 'drop', dt, yIn(row, half));
      await fire(handle(), 'dragend', dt);
    }
    expect(types()).toEqual(SEED_TYPES);
    expect(unsaved()).toBe(false);
  });

  it('does not take drags that are not its own layers', async () => {
    const { rows, types, dropLines } = await openEditor();
    const dt = new DataTransferStub();
    dt.setData('Files', '');
    const over = await fire(rows()[3]!, 'dragover', dt, yIn(3, 'top'));
    expect(over.defaultPrevented).toBe(false);
    const dropped = await fire(rows()[3]!, 'drop', dt, yIn(3, 'top'));
    expect(dropped.defaultPrevented).toBe(false);
    expect(dropLines()).toEqual([]);
    expect(types()).toEqual(SEED_TYPES);
  });

  it('keeps the buttons and Alt+arrows moving layers after a drag', async () => {
    const { rows, types } = await openEditor();
    const dt = new DataTransferStub();
    await fire(rows()[6]!.find('[data-testid="layer-drag-handle"]'), 'dragstart', dt);
    await fire(rows()[4]!, 'drop', dt, yIn(4, 'top'));
    expect(types().slice(4)).toEqual(['dense', 'conv2d', 'flatten', 'dense']);
    await rows()[4]!.find('[data-testid="layer-down"]').trigger('click');
    expect(types().slice(4)).toEqual(['conv2d', 'dense', 'flatten', 'dense']);
    await rows()[5]!.trigger('keydown', { key: 'ArrowDown', altKey: true });
    expect(types()).toEqual([...SEED_TYPES.slice(0, 5), 'flatten', 'dense', 'dense']);
  });
});
