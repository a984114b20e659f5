/**
 * The two languages say the same things: every key of the English text exists in the Chinese
 * one and the reverse, and each message keeps its placeholders and plural branches, so no view
 * falls back to English or shows a raw `{name}`.
 */
import { describe, expect, it } from 'vitest';
import en from '../../src-renderer/i18n/en';
import zh from '../../src-renderer/i18n/zh-CN';

type Tree = { [k: string]: string | Tree };

function leaves(t: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(t)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else for (const [kk, vv] of leaves(v, key)) out.set(kk, vv);
  }
  return out;
}

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('the UI text in English and Chinese', () => {
  const english = leaves(en as unknown as Tree);
  const chinese = leaves(zh as unknown as Tree);

  it('has the same keys in both languages', () => {
    expect([...english.keys()].filter((k) => !chinese.has(k))).toEqual([]);
    expect([...chinese.keys()].filter((k) => !english.has(k))).toEqual([]);
  });

  it('keeps every placeholder and plural branch of each message', () => {
    const wrong = [...english].filter(([k, v]) => {
      const z = chinese.get(k);
      return z !== undefined && (placeholders(v).join() !== placeholders(z).join() || v.split('|').length !== z.split('|').length);
    });
    expect(wrong.map(([k]) => k)).toEqual([]);
  });

  it('is in Chinese: most messages have Chinese characters', () => {
    const han = [...chinese.values()].filter((v) => /[\u4e00-\u9fff]/.test(v)).length;
    expect(han / chinese.size).toBeGreaterThan(0.8);
  });
});
