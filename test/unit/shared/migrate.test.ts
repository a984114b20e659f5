import { describe, expect, it } from 'vitest';
import { migrate, MigrationGapError, type MigrationStep } from '../../../src-shared/project/migrate';

// Synthetic steps: v1 -> v2 renames a field, v2 -> v3 adds one derived from it.
const steps: MigrationStep[] = [
  { from: 2, up: (d) => ({ ...d, titleLength: String(d.title).length }) },
  {
    from: 1,
    up: (d) => {
      const { label, ...rest } = d;
      return { ...rest, title: label };
    },
  },
];

describe('migrate', () => {
  it('runs the steps in version order whatever order they are listed in', () => {
    const { doc, path } = migrate({ formatVersion: 1, label: 'abc' }, 1, 3, steps);
    expect(doc).toEqual({ formatVersion: 3, title: 'abc', titleLength: 3 });
    expect(path).toEqual([1, 2, 3]);
  });

  it('starts from the document version', () => {
    const { doc, path } = migrate({ formatVersion: 2, title: 'xy' }, 2, 3, steps);
    expect(doc).toEqual({ formatVersion: 3, title: 'xy', titleLength: 2 });
    expect(path).toEqual([2, 3]);
  });

  it('leaves its input unchanged, even when a step mutates what it gets', () => {
    const input = { formatVersion: 1, label: 'abc', nested: { n: 1 } };
    const before = structuredClone(input);
    const mutating: MigrationStep[] = [
      {
        from: 1,
        up: (d) => {
          (d.nested as { n: number }).n = 99;
          return d;
        },
      },
    ];
    migrate(input, 1, 2, mutating);
    migrate(input, 1, 3, steps);
    expect(input).toEqual(before);
  });

  it('does nothing when the document is current', () => {
    expect(migrate({ formatVersion: 3 }, 3, 3, steps)).toEqual({ doc: { formatVersion: 3 }, path: [3] });
  });

  it('fails with the missing version when a step is missing', () => {
    const gap = [steps[1]!];
    expect(() => migrate({ formatVersion: 1, label: 'a' }, 1, 3, gap)).toThrow(MigrationGapError);
    try {
      migrate({ formatVersion: 1, label: 'a' }, 1, 3, gap);
    } catch (err) {
      expect((err as MigrationGapError).version).toBe(2);
    }
  });
});
