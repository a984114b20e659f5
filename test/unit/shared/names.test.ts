import { describe, expect, it } from 'vitest';
import { ProjectName, projectNameProblem, relativePathProblem } from '../../../src-shared/project/names';

describe('project names', () => {
  it('accepts ordinary names, including spaces, digits and accents', () => {
    for (const name of ['Digits', 'My project 2', 'Café-classifier_v1', 'a']) {
      expect(projectNameProblem(name)).toBeNull();
      expect(ProjectName.safeParse(name).success).toBe(true);
    }
  });

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    [' lead', 'starts or ends with a space'],
    ['trail ', 'starts or ends with a space'],
    ['.hidden', 'starts with a dot'],
    ['dots.', 'ends with a dot'],
    ['a/b', '"/"'],
    ['a\\b', '"\\"'],
    ['what?', '"?"'],
    ['tab\there', 'control character'],
    ['nul\0', 'control character'],
    ['CON', 'reserved'],
    ['lpt1.txt', 'reserved'],
    ['x'.repeat(65), 'longer than 64'],
  ])('refuses %j with a reason', (name, reason) => {
    expect(projectNameProblem(name)).toContain(reason);
    const parsed = ProjectName.safeParse(name);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toContain(reason);
  });
});

describe('paths stored in a manifest', () => {
  it('accepts forward-slash paths inside the folder', () => {
    expect(relativePathProblem('datasets/abc')).toBeNull();
    expect(relativePathProblem('runs/a..b')).toBeNull();
  });

  it.each([
    ['', 'empty'],
    ['../outside', '".."'],
    ['datasets/../../x', '".."'],
    ['/etc/passwd', 'absolute'],
    ['C:/Windows', 'absolute'],
    ['datasets\\x', 'backslashes'],
    ['a\0b', 'NUL'],
  ])('refuses %j', (p, reason) => {
    expect(relativePathProblem(p)).toContain(reason);
  });
});
