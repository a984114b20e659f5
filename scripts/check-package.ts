/**
 * `npm run package:check`: builds the Linux package the way `npm run package` does (electron-
 * builder's dir target), a tar.gz of it, and checks what it built:
 * - the asar holds the main process, the preload, the renderer, the CLI bundle and resources/;
 * - the native modules (sharp, onnxruntime-node, webgpu) are unpacked beside it and only for
 *   linux (no darwin or win32 binary anywhere), and no build-only package (esbuild) came along;
 * - the desktop entry and the .mstudio MIME type are there and name each other;
 * - the Electron fuses are set as electron-builder.yml says (read back from the binary);
 * and prints the sizes.
 *
 * Electron's binary comes from GitHub, which our machines cannot reach: pass a local Electron
 * dist (the unpacked electron-v41.x-linux-x64.zip) as ELECTRON_DIST. Without one the check
 * builds against a stub in place of the binary and says so: everything but the fuses (which
 * live in the real binary) is still checked, because electron-builder packs the same files.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';

const require = createRequire(import.meta.url);
const root = resolve(import.meta.dirname, '..');
const OUT = join(root, 'dist');
const APP_DIR = join(OUT, 'linux-unpacked');
const ELECTRON_VERSION = (JSON.parse(readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8')) as { version: string }).version;

const problems: string[] = [];
const check = (ok: boolean, what: string) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) problems.push(what);
};

/** A directory shaped like Electron's linux dist whose "binary" is a script: enough for electron-builder to pack. */
function stubElectronDist(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ms-stub-electron-'));
  writeFileSync(join(dir, 'electron'), '#!/bin/sh\necho "stub Electron (npm run package:check without ELECTRON_DIST)" >&2\nexit 1\n');
  chmodSync(join(dir, 'electron'), 0o755);
  writeFileSync(join(dir, 'version'), ELECTRON_VERSION);
  writeFileSync(join(dir, 'LICENSE'), '');
  writeFileSync(join(dir, 'LICENSES.chromium.html'), '');
  mkdirSync(join(dir, 'resources'));
  return dir;
}

function walk(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).map((p) => join(dir, p));
}

function sizeOf(path: string): number {
  return walk(path).reduce((sum, p) => {
    const s = statSync(p);
    return s.isFile() ? sum + s.size : sum;
  }, 0);
}

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

async function main(): Promise<void> {
  const given = process.env.ELECTRON_DIST || undefined;
  const stub = !given;
  const electronDist = given ? resolve(given) : stubElectronDist();
  if (stub) console.log(`No ELECTRON_DIST: packing against a stub Electron ${ELECTRON_VERSION} (fuses not checked).`);
  if (!existsSync(join(root, 'out/main/index.js')) || !existsSync(join(root, 'out/cli/model-studio.mjs'))) {
    throw new Error('out/ is missing: run "npm run build" first.');
  }
  rmSync(OUT, { recursive: true, force: true });
  const { build, Platform } = require('electron-builder') as typeof import('electron-builder');
  // Overrides only: electron-builder reads electron-builder.yml itself and merges these in.
  const config: Record<string, unknown> = { electronDist, electronVersion: ELECTRON_VERSION };
  // A stub has no fuse sentinel to flip.
  if (stub) config.electronFuses = null;
  await build({ targets: Platform.LINUX.createTarget(['dir']), config: config as never, publish: 'never' });
  // electron-builder's tar.gz target fetches 7-Zip from GitHub unless one is installed: the
  // system tar makes the same archive of the same folder.
  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  execFileSync('tar', ['-czf', join(OUT, `model-studio-${version}-linux-x64.tar.gz`), '-C', OUT, '--transform', `s,^linux-unpacked,model-studio-${version},`, 'linux-unpacked']);

  const resources = join(APP_DIR, 'resources');
  const asar = require('@electron/asar') as { listPackage(path: string): string[] };
  const inAsar = new Set(asar.listPackage(join(resources, 'app.asar')).map((p) => p.replaceAll('\\', '/')));
  for (const file of ['/package.json', '/out/main/index.js', '/out/preload/index.cjs', '/out/renderer/index.html', '/out/cli/model-studio.mjs', '/resources/tfjs/verify-export.mjs']) {
    check(inAsar.has(file), `app.asar holds ${file}`);
  }
  check(![...inAsar].some((p) => p.startsWith('/node_modules/esbuild/') || p.startsWith('/node_modules/@esbuild/')), 'no build-only package (esbuild) in app.asar');
  check(![...inAsar].some((p) => p.startsWith('/src-')), 'no TypeScript sources in app.asar');

  const unpacked = join(resources, 'app.asar.unpacked', 'node_modules');
  for (const native of ['sharp', '@img/sharp-linux-x64/lib', 'onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node', 'webgpu/dist/linux-x64/dawn.node']) {
    check(existsSync(join(unpacked, native)), `unpacked: ${native}`);
  }
  const binaries = walk(APP_DIR).filter((p) => /\.(node|dylib|dll|so(\.\d+)*)$/.test(p)).map((p) => relative(APP_DIR, p));
  // The build is for this machine's architecture: the other one's binaries are foreign too.
  const otherArch = process.arch === 'arm64' ? /x64|x86_64/ : /arm64|aarch64/;
  const foreign = binaries.filter((p) => /darwin|win32|\.dylib$|\.dll$/.test(p) || otherArch.test(p));
  check(foreign.length === 0, `only linux ${process.arch} native binaries (${binaries.length} found${foreign.length ? `; foreign: ${foreign.slice(0, 5).join(', ')}` : ''})`);

  const desktop = join(APP_DIR, 'share', 'model-studio.desktop');
  const mime = join(APP_DIR, 'share', 'model-studio-mime.xml');
  check(existsSync(desktop) && /MimeType=application\/x-model-studio-project;/.test(readFileSync(desktop, 'utf8')), 'share/model-studio.desktop names the project MIME type');
  check(existsSync(mime) && /type="application\/x-model-studio-project"[\s\S]*glob pattern="\*\.mstudio"/.test(readFileSync(mime, 'utf8')), 'share/model-studio-mime.xml maps *.mstudio to it');

  const binary = join(APP_DIR, 'model-studio');
  check(existsSync(binary), 'the executable is model-studio');
  if (!stub) {
    const { getCurrentFuseWire, FuseV1Options } = require('@electron/fuses') as typeof import('@electron/fuses');
    // The wire's bytes (@electron/fuses's FuseState): '1' on, '0' off.
    const FuseState = { ENABLE: 49, DISABLE: 48 } as const;
    const wire = await getCurrentFuseWire(binary);
    const want: [keyof typeof FuseV1Options, boolean][] = [
      ['RunAsNode', false],
      ['EnableNodeOptionsEnvironmentVariable', false],
      ['EnableNodeCliInspectArguments', false],
      ['EnableEmbeddedAsarIntegrityValidation', true],
      ['OnlyLoadAppFromAsar', true],
    ];
    for (const [fuse, on] of want) {
      const state = wire[FuseV1Options[fuse]];
      check(state === (on ? FuseState.ENABLE : FuseState.DISABLE), `fuse ${fuse} ${on ? 'on' : 'off'}`);
    }
  }

  const tarball = readdirSync(OUT).find((f) => f.endsWith('.tar.gz'));
  check(tarball !== undefined, `a tar.gz was made${tarball ? ` (${tarball})` : ''}`);
  if (tarball) {
    const listing = execFileSync('tar', ['-tzf', join(OUT, tarball)], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    check(/(^|\/)resources\/app\.asar$/m.test(listing), 'the tar.gz holds resources/app.asar');
  }
  console.log(
    `sizes: ${relative(root, APP_DIR)} ${mb(sizeOf(APP_DIR))} (app.asar ${mb(statSync(join(resources, 'app.asar')).size)}, ` +
      `app.asar.unpacked ${mb(sizeOf(join(resources, 'app.asar.unpacked')))})${tarball ? `; ${tarball} ${mb(statSync(join(OUT, tarball)).size)}` : ''}` +
      (stub ? ' (without the Electron binary: add about 190 MB for a real one)' : ''),
  );
  if (stub) rmSync(electronDist, { recursive: true, force: true });
  if (problems.length) {
    console.log(`${problems.length} check(s) failed.`);
    process.exitCode = 1;
  } else console.log(`The package is as it should be${stub ? ' (fuses not checked: stub Electron)' : ''}.`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
