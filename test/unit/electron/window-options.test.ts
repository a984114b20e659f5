import { describe, expect, it } from 'vitest';
import { WINDOW_BACKGROUND, windowOptions } from '../../../src-main/electron/window-options';

describe('windowOptions', () => {
  const opts = windowOptions({ preloadPath: '/app/out/preload/index.cjs', dark: false });

  it('turns on the Electron security baseline', () => {
    expect(opts.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    });
  });

  it('loads the built CommonJS preload', () => {
    expect(opts.webPreferences?.preload).toBe('/app/out/preload/index.cjs');
  });

  it('stays hidden until ready-to-show, titled Model Studio, with a usable minimum size', () => {
    expect(opts.show).toBe(false);
    expect(opts.title).toBe('Model Studio');
    expect(opts.minWidth).toBeGreaterThanOrEqual(800);
    expect(opts.minHeight).toBeGreaterThanOrEqual(560);
    expect(opts.width).toBeGreaterThan(opts.minWidth!);
  });

  it('paints the background of the OS theme so no white flash shows in dark mode', () => {
    expect(opts.backgroundColor).toBe(WINDOW_BACKGROUND.light);
    expect(windowOptions({ preloadPath: 'p', dark: true }).backgroundColor).toBe(WINDOW_BACKGROUND.dark);
  });
});

describe('windowOptions icon', () => {
  it('sets the window icon only when one is given (Linux)', () => {
    expect(windowOptions({ preloadPath: 'p', dark: false, iconPath: '/app/resources/icon.png' }).icon).toBe('/app/resources/icon.png');
    expect(windowOptions({ preloadPath: 'p', dark: false })).not.toHaveProperty('icon');
  });
});
