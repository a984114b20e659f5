/**
 * Index arithmetic for reordering layers by drag and drop. A drop lands in a slot between rows:
 * slot s is the gap above row s, and slot `count` is the gap below the last row.
 */

/** Which half of a row the pointer is over: the drop goes above or below that row. */
export type DropSide = 'before' | 'after';

/** The data type a layer drag carries, so the editor can tell its own drags from files or text. */
export const LAYER_DRAG_TYPE = 'application/x-model-studio-layer';

/** The half of a row (its top and height on screen) that a pointer at `clientY` is over. */
export function sideAt(clientY: number, top: number, height: number): DropSide {
  return clientY < top + height / 2 ? 'before' : 'after';
}

/** The slot between rows that dropping on `side` of row `row` points at. */
export function slotOf(row: number, side: DropSide): number {
  return side === 'before' ? row : row + 1;
}

/**
 * The index the item at `from` ends up at when dropped into `slot` of a list of `count` items,
 * or null when the drop would leave it where it is (the gaps just above and below it) or an
 * index is out of range.
 */
export function indexForSlot(from: number, slot: number, count: number): number | null {
  if (!isIndex(from, count) || !Number.isInteger(slot) || slot < 0 || slot > count) return null;
  // Taking the item out first shifts every slot below it up by one.
  const to = slot > from ? slot - 1 : slot;
  return to === from ? null : to;
}

/** The new index of the item at `from` dropped on `side` of row `row`; null when nothing moves. */
export function dropTarget(from: number, row: number, side: DropSide, count: number): number | null {
  if (!isIndex(row, count)) return null;
  return indexForSlot(from, slotOf(row, side), count);
}

/** A copy of `items` with the item at `from` moved to index `to` (the others keep their order). */
export function moveItem<T>(items: readonly T[], from: number, to: number): T[] {
  if (!isIndex(from, items.length) || !isIndex(to, items.length)) {
    throw new RangeError(`Cannot move item ${from} to ${to} in a list of ${items.length}`);
  }
  const next = [...items];
  const [item] = next.splice(from, 1);
  next.splice(to, 0, item as T);
  return next;
}

function isIndex(i: number, count: number): boolean {
  return Number.isInteger(i) && i >= 0 && i < count;
}
