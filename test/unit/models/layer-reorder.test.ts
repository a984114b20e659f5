import { describe, expect, it } from 'vitest';
import { dropTarget, indexForSlot, moveItem, sideAt, slotOf } from '../../../src-renderer/components/models/layer-reorder';

describe('layer reorder arithmetic', () => {
  it('picks the half of a row the pointer is over', () => {
    // A row 40 px tall whose top is at y = 100.
    expect(sideAt(100, 100, 40)).toBe('before');
    expect(sideAt(119, 100, 40)).toBe('before');
    expect(sideAt(120, 100, 40)).toBe('after');
    expect(sideAt(139, 100, 40)).toBe('after');
  });

  it('names the gap above or below a row', () => {
    expect(slotOf(0, 'before')).toBe(0);
    expect(slotOf(0, 'after')).toBe(1);
    expect(slotOf(4, 'after')).toBe(5);
  });

  it('moves an item down: dropped below row 3 (index 2), the first of five lands at index 2', () => {
    expect(dropTarget(0, 2, 'after', 5)).toBe(2);
    // The gap below row 3 is the gap above row 4: the same place.
    expect(dropTarget(0, 3, 'before', 5)).toBe(2);
    expect(moveItem(['a', 'b', 'c', 'd', 'e'], 0, 2)).toEqual(['b', 'c', 'a', 'd', 'e']);
  });

  it('moves an item up, to the top and to the bottom', () => {
    expect(dropTarget(3, 1, 'before', 5)).toBe(1);
    expect(dropTarget(3, 0, 'after', 5)).toBe(1);
    expect(dropTarget(4, 0, 'before', 5)).toBe(0);
    expect(dropTarget(0, 4, 'after', 5)).toBe(4);
    expect(moveItem(['a', 'b', 'c', 'd', 'e'], 3, 1)).toEqual(['a', 'd', 'b', 'c', 'e']);
    expect(moveItem(['a', 'b', 'c', 'd', 'e'], 0, 4)).toEqual(['b', 'c', 'd', 'e', 'a']);
  });

  it('does nothing for a drop onto the item\'s own place', () => {
    // On either half of itself, or the gaps just above and below it.
    expect(dropTarget(2, 2, 'before', 5)).toBeNull();
    expect(dropTarget(2, 2, 'after', 5)).toBeNull();
    expect(dropTarget(2, 1, 'after', 5)).toBeNull();
    expect(dropTarget(2, 3, 'before', 5)).toBeNull();
    expect(indexForSlot(2, 2, 5)).toBeNull();
    expect(indexForSlot(2, 3, 5)).toBeNull();
    expect(dropTarget(0, 0, 'before', 1)).toBeNull();
  });

  it('agrees with moving the item out and inserting it at the slot, for every drop in a list of 6', () => {
    const items = ['a', 'b', 'c', 'd', 'e', 'f'];
    for (let from = 0; from < items.length; from++) {
      for (let slot = 0; slot <= items.length; slot++) {
        // The list as a person expects it: the item taken out and put back into the gap.
        const expected = [...items.slice(0, slot), items[from]!, ...items.slice(slot)];
        expected.splice(slot <= from ? from + 1 : from, 1);
        const to = indexForSlot(from, slot, items.length);
        if (to === null) expect(expected).toEqual(items);
        else expect(moveItem(items, from, to)).toEqual(expected);
      }
    }
  });

  it('ignores indices outside the list', () => {
    expect(dropTarget(5, 0, 'before', 5)).toBeNull();
    expect(dropTarget(0, 5, 'before', 5)).toBeNull();
    expect(dropTarget(-1, 2, 'after', 5)).toBeNull();
    expect(indexForSlot(0, 6, 5)).toBeNull();
    expect(() => moveItem(['a', 'b'], 0, 2)).toThrow(RangeError);
  });
});
