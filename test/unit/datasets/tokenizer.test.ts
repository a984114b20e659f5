import { describe, expect, it } from 'vitest';
import { buildTokenizer, encodeTexts, tokenize } from '../../../src-shared/datasets/tokenizer';

describe('tokenizer', () => {
  it('splits words on non-letters and lowercases; chars keep every character', () => {
    expect(tokenize('Hello, WORLD! x2 café', 'word', true)).toEqual(['hello', 'world', 'x2', 'café']);
    expect(tokenize('Ab', 'char', false)).toEqual(['A', 'b']);
  });

  it('caps the vocabulary, ranks by frequency then alphabetically, and reserves pad and unk', () => {
    const tok = buildTokenizer(['b a a c c d', 'a c b e'], { tokenizer: 'word', vocabSize: 5, lowercase: true });
    expect(tok.vocab).toEqual(['<pad>', '<unk>', 'a', 'c', 'b']);
  });

  it('maps unseen words to 1 and pads and truncates at the end', () => {
    const tok = buildTokenizer(['the cat sat'], { tokenizer: 'word', vocabSize: 100, lowercase: true });
    const ids = encodeTexts(tok, ['The dog', 'the cat sat the cat'], 4);
    const id = (w: string) => tok.vocab.indexOf(w);
    expect(Array.from(ids)).toEqual([id('the'), 1, 0, 0, id('the'), id('cat'), id('sat'), id('the')]);
  });

  it('knows only words of the texts it was built from', () => {
    const tok = buildTokenizer(['alpha beta'], { tokenizer: 'word', vocabSize: 100, lowercase: true });
    expect(tok.vocab).not.toContain('gamma');
    expect(Array.from(encodeTexts(tok, ['gamma'], 1))).toEqual([1]);
  });

  it('builds a character vocabulary', () => {
    const tok = buildTokenizer(['anna', 'bob'], { tokenizer: 'char', vocabSize: 10, lowercase: true });
    expect(tok.vocab).toEqual(['<pad>', '<unk>', 'a', 'b', 'n', 'o']);
    expect(Array.from(encodeTexts(tok, ['Bz'], 3))).toEqual([3, 1, 0]);
  });
});
