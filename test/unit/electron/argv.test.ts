import { describe, expect, it } from 'vitest';
import { projectPathFromArgv } from '../../../src-main/electron/argv';

describe('projectPathFromArgv', () => {
  it('finds an absolute project path after the executable and Chromium flags', () => {
    expect(projectPathFromArgv(['/opt/Model Studio/model-studio', '--no-sandbox', '/home/a/Digits/Digits.mstudio'], '/'))
      .toBe('/home/a/Digits/Digits.mstudio');
  });

  it('resolves a relative path against the launch directory', () => {
    expect(projectPathFromArgv(['electron', '.', 'Digits/Digits.MSTUDIO'], '/home/a')).toBe('/home/a/Digits/Digits.MSTUDIO');
  });

  it('ignores the executable, flags and other files', () => {
    expect(projectPathFromArgv(['/x/thing.mstudio'], '/')).toBeNull();
    expect(projectPathFromArgv(['exe', '--open=/a/b.mstudio', 'notes.txt'], '/')).toBeNull();
  });
});
