import { describe, expect, it } from 'vitest';
import { LAYER_FIELDS, newLayer, setField, showNumber } from '../../../src-renderer/components/models/layer-fields';

const field = (type: keyof typeof LAYER_FIELDS, key: string) => LAYER_FIELDS[type].find((f) => f.key === key)!;

describe('layer fields', () => {
  it('says which rule a value breaks, with its bound, not the validator text', () => {
    expect(setField(newLayer('dense'), field('dense', 'units'), '-5')).toEqual({ problem: { rule: 'atLeast', bound: '1' } });
    expect(setField(newLayer('dense'), field('dense', 'units'), '2.5')).toEqual({ problem: { rule: 'wholeNumber' } });
    expect(setField(newLayer('dropout'), field('dropout', 'rate'), '1.5')).toEqual({ problem: { rule: 'atMost', bound: '0.95' } });
    expect(setField(newLayer('dense'), field('dense', 'units'), 'abc')).toEqual({ problem: { rule: 'notNumber' } });
    expect(setField(newLayer('conv2d'), field('conv2d', 'kernelSize'), '3y')).toEqual({ problem: { rule: 'sizeLike' } });
  });

  it('shows tiny numbers such as epsilon in exponent form', () => {
    expect(showNumber(1e-6)).toBe('1e-6');
    expect(showNumber(0.00001)).toBe('1e-5');
    expect(showNumber(0.2)).toBe('0.2');
    expect(showNumber(0)).toBe('0');
  });
});
