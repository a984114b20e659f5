import { describe, expect, it } from 'vitest';
import { createEditHistory } from '../../../src-renderer/composables/use-edit-history';

describe('edit history', () => {
  it('undoes and redoes, coalesces quick edits of one key, and a new edit clears redo', () => {
    let t = 0;
    const h = createEditHistory<string>(200, () => t);
    h.record('a', 'f');
    t = 100;
    h.record('ab', 'f'); // same field within a second: one step
    t = 5000;
    h.record('abc', 'g');
    expect(h.undo('abcd')).toBe('abc');
    expect(h.undo('abc')).toBe('a');
    expect(h.undo('a')).toBeNull();
    expect(h.redo('a')).toBe('abc');
    h.record('abc', 'h');
    expect(h.redo('x')).toBeNull();
  });
});
