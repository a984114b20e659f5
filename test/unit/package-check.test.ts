/**
 * `npm run package:check` on the real config: electron-builder packs the Linux app (against a
 * stub Electron here, since the binary cannot be downloaded) and the check finds the asar's
 * contents, the unpacked native modules for linux only, the desktop entry and MIME type, and
 * the tar.gz. It found the whole repository packed once (a platform `files` list of exclusions).
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('the Linux package', () => {
  it('is built and holds what the app needs, and nothing it does not', { timeout: 300_000 }, () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/check-package.ts'], { encoding: 'utf8', env: { ...process.env, ELECTRON_DIST: '' } });
    const report = r.stdout.split('\n').filter((l) => /^(ok|FAIL) /.test(l));
    expect(report.filter((l) => l.startsWith('FAIL')), r.stderr.slice(-2000)).toEqual([]);
    expect(report.length, r.stdout.slice(-1500) + r.stderr.slice(-1500)).toBeGreaterThanOrEqual(17);
    expect(r.stdout).toMatch(/sizes: dist\/linux-unpacked \d+\.\d MB/);
    expect(r.status).toBe(0);
  });
});
