/**
 * The built code finds the package's files from where it sits: every `new URL('<relative>',
 * import.meta.url)` in the main process bundle (out/main, what the app runs) and the CLI bundle
 * (out/cli, what the package ships) names a file that exists. A chunk one folder deeper than
 * the sources once pointed the TF.js verification at out/resources/, which does not exist.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const BUNDLES = ['out/main', 'out/cli'];
const RELATIVE_URL = /new URL\(\s*["'](\.\.?\/[^"']+)["']\s*,\s*import\.meta\.url\s*\)/g;

describe('the built bundles', () => {
  for (const dir of BUNDLES) {
    it(`${dir}: every file named relative to the code exists`, () => {
      if (!existsSync(dir)) throw new Error(`${dir} is missing: run "npm run build" first (npm test does).`);
      const found: string[] = [];
      const missing: string[] = [];
      for (const name of readdirSync(dir, { recursive: true }) as string[]) {
        if (!/\.m?js$/.test(name)) continue;
        const file = resolve(dir, name);
        for (const m of readFileSync(file, 'utf8').matchAll(RELATIVE_URL)) {
          const target = fileURLToPath(new URL(m[1]!, pathToFileURL(file)));
          (existsSync(target) ? found : missing).push(`${join(dir, name)} -> ${m[1]}`);
        }
      }
      expect(missing).toEqual([]);
      // The TF.js verification child and studio layers, and package.json for the version.
      expect(found.some((f) => f.includes('resources/tfjs/verify-export.mjs'))).toBe(true);
    });
  }

  it("out/main: the baselines' process has its own entry beside the code that starts it", () => {
    expect(existsSync('out/main/baseline-child.js')).toBe(true);
    const starts = (readdirSync('out/main') as string[]).filter((name) => /\.js$/.test(name) && /["']\.\/baseline-child\.js["']/.test(readFileSync(join('out/main', name), 'utf8')));
    expect(starts.length).toBeGreaterThan(0);
  });
});
