import { describe, expect, it } from 'vitest';
import { niceTicks } from '../../src-renderer/util/nice-ticks';

describe('niceTicks', () => {
  it('puts count axes on round values up to a round top', () => {
    expect(niceTicks(6068)).toEqual([0, 2000, 4000, 6000, 8000]);
    expect(niceTicks(3)).toEqual([0, 1, 2, 3]);
    expect(niceTicks(10)).toEqual([0, 5, 10]);
    expect(niceTicks(1)).toEqual([0, 1]);
    expect(niceTicks(0)).toEqual([0, 1]);
  });
});
