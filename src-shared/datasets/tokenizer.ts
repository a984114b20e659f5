/**
 * Text to token ids: a word-level or character-level vocabulary built from the training texts,
 * with id 0 for padding and id 1 for anything outside the vocabulary.
 */
import type { TextOptions } from './schema';

export const PAD = '<pad>';
export const UNK = '<unk>';
export const PAD_ID = 0;
export const UNK_ID = 1;

/** What `tokenizer.json` holds. */
export interface Tokenizer {
  type: 'word' | 'char';
  lowercase: boolean;
  /** Token of each id: vocab[0] = '<pad>', vocab[1] = '<unk>', then by descending frequency. */
  vocab: string[];
}

const WORD_SEPARATORS = /[^\p{L}\p{N}]+/u;

/** Splits a text into the tokens the tokenizer counts: words (letters/digits runs) or characters. */
export function tokenize(text: string, type: 'word' | 'char', lowercase: boolean): string[] {
  const t = lowercase ? text.toLowerCase() : text;
  if (type === 'char') return Array.from(t);
  return t.split(WORD_SEPARATORS).filter((w) => w.length > 0);
}

/** Builds the vocabulary from the training texts only, capped at `vocabSize` ids in all. */
export function buildTokenizer(trainTexts: Iterable<string>, opts: Pick<TextOptions, 'tokenizer' | 'vocabSize' | 'lowercase'>): Tokenizer {
  const counts = new Map<string, number>();
  for (const text of trainTexts) {
    for (const tok of tokenize(text, opts.tokenizer, opts.lowercase)) counts.set(tok, (counts.get(tok) ?? 0) + 1);
  }
  counts.delete(PAD);
  counts.delete(UNK);
  // Ties are broken by code-unit order, not locale, so every machine builds the same vocabulary.
  const ranked = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const kept = ranked.slice(0, Math.max(0, opts.vocabSize - 2)).map(([tok]) => tok);
  return { type: opts.tokenizer, lowercase: opts.lowercase, vocab: [PAD, UNK, ...kept] };
}

/** Encodes texts as N*seqLength token ids: cut after seqLength tokens, padded at the end with 0. */
export function encodeTexts(tokenizer: Tokenizer, texts: readonly string[], seqLength: number): Int32Array {
  const ids = new Map<string, number>();
  tokenizer.vocab.forEach((tok, i) => {
    if (i >= 2) ids.set(tok, i);
  });
  const out = new Int32Array(texts.length * seqLength);
  texts.forEach((text, n) => {
    const tokens = tokenize(text, tokenizer.type, tokenizer.lowercase);
    const len = Math.min(seqLength, tokens.length);
    for (let k = 0; k < len; k++) out[n * seqLength + k] = ids.get(tokens[k]!) ?? UNK_ID;
  });
  return out;
}
