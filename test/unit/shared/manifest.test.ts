import { describe, expect, it } from 'vitest';
import { StudioError } from '../../../src-shared/errors';
import {
  CURRENT_FORMAT_VERSION,
  createManifest,
  parseProjectText,
  serializeManifest,
} from '../../../src-shared/project/manifest';

function validDoc(): Record<string, unknown> {
  return JSON.parse(
    serializeManifest(createManifest('Digits', { id: '3f2b8c1e-6a4d-4e8b-9c2f-1a7d5e9b0c34', now: new Date('2025-01-02T03:04:05Z'), appVersion: '0.1.0' })),
  ) as Record<string, unknown>;
}

function entry(dir: string) {
  return { id: 'd1', name: 'Data', createdAt: '2025-01-02T03:04:05.000Z', dir };
}

function parseError(text: string): StudioError {
  try {
    parseProjectText(text, 'Digits.mstudio');
  } catch (err) {
    expect(err).toBeInstanceOf(StudioError);
    return err as StudioError;
  }
  throw new Error('parseProjectText accepted a bad file');
}

describe('parseProjectText', () => {
  it('reads back what createManifest + serializeManifest wrote', () => {
    const doc = validDoc();
    const { manifest, migratedFrom } = parseProjectText(JSON.stringify(doc));
    expect(manifest.name).toBe('Digits');
    expect(manifest.formatVersion).toBe(CURRENT_FORMAT_VERSION);
    expect(manifest.savedWith).toBe('model-studio 0.1.0');
    expect(migratedFrom).toBeNull();
  });

  it('tolerates a UTF-8 byte-order mark', () => {
    expect(parseProjectText(`\ufeff${JSON.stringify(validDoc())}`).manifest.name).toBe('Digits');
  });

  it('refuses text that is not JSON', () => {
    const err = parseError('{"format": "model-studio/project",');
    expect(err.code).toBe('PROJECT_NOT_JSON');
    expect(err.message).toContain('Digits.mstudio is not valid JSON');
  });

  it('refuses a file nested 200,000 levels deep in an unknown field, saying why, before anything walks it', () => {
    const deep = JSON.stringify(validDoc()).replace(/}$/, `,"junk":${'['.repeat(200_000)}${']'.repeat(200_000)}}`);
    const err = parseError(deep);
    expect(err.code).toBe('PROJECT_NOT_JSON');
    expect(err.message).toBe('The project file Digits.mstudio is not valid JSON: it nests arrays or objects deeper than 128 levels');
  });

  it('refuses a file whose entries share an id, naming both', () => {
    const doc = validDoc();
    const ds = { id: 'ds-abcd1234', name: 'A', createdAt: '2025-01-02T03:04:05.000Z', dir: 'datasets/ds-abcd1234' };
    const err = parseError(JSON.stringify({ ...doc, datasets: [ds, { ...ds, name: 'B' }] }));
    expect(err.code).toBe('PROJECT_INVALID');
    expect(err.message).toBe('The project file Digits.mstudio is damaged: the id ds-abcd1234 is used twice, by datasets.0 and datasets.1.');
  });

  it('refuses JSON that is not an object', () => {
    expect(parseError('[1,2]').code).toBe('PROJECT_INVALID');
    expect(parseError('null').code).toBe('PROJECT_INVALID');
  });

  it('refuses a file of another format', () => {
    const err = parseError(JSON.stringify({ ...validDoc(), format: 'something-else' }));
    expect(err.code).toBe('PROJECT_INVALID');
    expect(err.message).toContain('not a Model Studio project');
  });

  it('refuses a missing or non-integer format version', () => {
    const { formatVersion: _, ...noVersion } = validDoc();
    expect(parseError(JSON.stringify(noVersion)).message).toContain('formatVersion');
    expect(parseError(JSON.stringify({ ...validDoc(), formatVersion: 1.5 })).code).toBe('PROJECT_INVALID');
  });

  it('names the field that fails the schema', () => {
    const err = parseError(JSON.stringify({ ...validDoc(), createdAt: 'yesterday' }));
    expect(err.code).toBe('PROJECT_INVALID');
    expect(err.message).toContain('createdAt');
    const nested = parseError(JSON.stringify({ ...validDoc(), datasets: [{ ...entry('datasets/d1'), id: 'Bad Id!' }] }));
    expect(nested.message).toContain('datasets.0.id');
  });

  it('counts further schema problems', () => {
    const err = parseError(JSON.stringify({ ...validDoc(), createdAt: 'x', updatedAt: 'y', models: 'none' }));
    expect(err.message).toMatch(/and 2 more problems/);
    expect((err.details as { issues: unknown[] }).issues).toHaveLength(3);
  });

  it('refuses a file from a newer format version and says so', () => {
    const err = parseError(JSON.stringify({ ...validDoc(), formatVersion: CURRENT_FORMAT_VERSION + 1 }));
    expect(err.code).toBe('PROJECT_TOO_NEW');
    expect(err.message).toContain('newer Model Studio');
    expect(err.details).toEqual({ formatVersion: CURRENT_FORMAT_VERSION + 1, supported: CURRENT_FORMAT_VERSION });
  });

  it('refuses an entry folder that climbs out with ../', () => {
    const err = parseError(JSON.stringify({ ...validDoc(), datasets: [entry('../elsewhere')] }));
    expect(err.code).toBe('PROJECT_PATH_ESCAPES');
    expect(err.message).toContain('datasets.0.dir "../elsewhere"');
    // Said by key, the file's label and the reason too, so the Chinese UI says all of it in Chinese.
    expect(err.said).toMatchObject({
      key: 'errors.paths.entryEscapes',
      params: {
        label: { key: 'errors.integrity.projectFile', params: { file: 'Digits.mstudio' } },
        field: 'datasets.0.dir',
        dir: '../elsewhere',
        problem: { key: 'errors.paths.dir.climbsOut' },
      },
    });
    expect(err.message).toBe('The project file Digits.mstudio points outside its folder: datasets.0.dir "../elsewhere" climbs out with "..".');
  });

  it('refuses an absolute entry folder', () => {
    const err = parseError(JSON.stringify({ ...validDoc(), exports: [entry('/tmp/x')] }));
    expect(err.code).toBe('PROJECT_PATH_ESCAPES');
    expect(err.message).toContain('is absolute');
  });
});
