import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const root = resolve(import.meta.dirname, '../../..');

function loadConfig(): Record<string, any> {
  const yaml = require('js-yaml') as { load(text: string): unknown };
  return yaml.load(readFileSync(resolve(root, 'electron-builder.yml'), 'utf8')) as Record<string, any>;
}

describe('electron-builder config', () => {
  it('passes electron-builder’s own schema validation', async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js');
    const { DebugLogger } = require('builder-util');
    await expect(validateConfiguration(loadConfig(), new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('ships the built app and associates .mstudio files with it', () => {
    const config = loadConfig();
    expect(config['productName']).toBe('Model Studio');
    expect(config['files']).toEqual(expect.arrayContaining(['out/**', 'package.json', 'resources/**']));
    expect(config['fileAssociations']).toEqual([
      expect.objectContaining({ ext: 'mstudio', name: 'Model Studio Project', role: 'Editor', mimeType: 'application/x-model-studio-project' }),
    ]);
    expect(config['linux'].desktop.entry.MimeType).toContain('application/x-model-studio-project');
    expect(config['mac'].hardenedRuntime).toBe(true);
    expect(readFileSync(resolve(root, config['mac'].entitlements), 'utf8')).toContain('com.apple.security.cs.allow-jit');
  });

  it('sets the Electron fuses a shipped app needs: no Electron as Node, no NODE_OPTIONS or --inspect, the asar checked and the only app', () => {
    expect(loadConfig()['electronFuses']).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      enableCookieEncryption: true,
    });
    // With RunAsNode off, no code may start Electron as Node: helpers go through node-script.ts.
    const sources = require('node:child_process').execSync("grep -rl ELECTRON_RUN_AS_NODE src-main src-engine src-shared || true", { cwd: root, encoding: 'utf8' }) as string;
    expect(sources.trim()).toBe('');
  });

  it('unpacks onnxruntime-node from the asar archive and packs only the target platform’s onnxruntime and Dawn binaries', () => {
    const config = loadConfig();
    // electron-builder's minimatch; a platform's `files` patterns are added to the top-level ones (app-builder-lib's getFileMatchers).
    const { minimatch } = require('minimatch') as { minimatch(path: string, pattern: string, o?: object): boolean };
    const binding = (os: string, arch: string) => `node_modules/onnxruntime-node/bin/napi-v6/${os}/${arch}/onnxruntime_binding.node`;
    expect(config['asarUnpack'].some((p: string) => minimatch(binding('linux', 'x64'), p, { dot: true }))).toBe(true);
    // `${arch}` in a pattern is the architecture being built (electron-builder expands it per build).
    const excluded = (platform: string, path: string, buildArch = 'x64') =>
      [...config['files'], ...(config[platform].files ?? [])].some((p: string) => p.startsWith('!') && minimatch(path, p.slice(1).replaceAll('${arch}', buildArch), { dot: true }));
    const own = { linux: 'linux', mac: 'darwin', win: 'win32' } as const;
    for (const [platform, os] of Object.entries(own)) {
      // A platform list of exclusions only means "every file but these": the app's files must be named there too.
      expect(config[platform].files.filter((p: string) => !p.startsWith('!')), platform).toEqual(config['files'].filter((p: string) => !p.startsWith('!')));
      for (const buildArch of ['x64', 'arm64']) {
        // Linux builds also leave out the other architecture's binaries.
        const otherArch = (arch: string) => platform === 'linux' && arch !== buildArch;
        for (const other of Object.values(own)) {
          for (const arch of ['x64', 'arm64']) expect(excluded(platform, binding(other, arch), buildArch), `${platform} ${buildArch}: ${other}/${arch}`).toBe(other !== os || otherArch(arch));
        }
        expect(excluded(platform, 'node_modules/onnxruntime-node/dist/index.js', buildArch)).toBe(false);
        // Dawn for Node (npm webgpu): the same, by its dist/<os>-<arch> folders.
        for (const dawn of ['darwin-universal', 'linux-x64', 'linux-arm64', 'win32-x64', 'win32-arm64']) {
          expect(excluded(platform, `node_modules/webgpu/dist/${dawn}/dawn.node`, buildArch), `${platform} ${buildArch}: ${dawn}`).toBe(!dawn.startsWith(os) || otherArch(dawn.split('-')[1]!));
        }
        expect(excluded(platform, 'node_modules/webgpu/dist/index.js', buildArch)).toBe(false);
      }
    }
  });

  it('has a 512x512 PNG app icon', () => {
    const png = readFileSync(resolve(root, 'build/icon.png'));
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([512, 512]);
  });
});
