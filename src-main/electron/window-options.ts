import type { BrowserWindowConstructorOptions } from 'electron';

/** Background colours matching the renderer's light and dark themes, so no white flash shows. */
export const WINDOW_BACKGROUND = { light: '#f6f7f9', dark: '#1b1d22' } as const;

export interface WindowOptionsInput {
  /** Absolute path of the built preload (out/preload/index.cjs). */
  preloadPath: string;
  /** nativeTheme.shouldUseDarkColors at creation time. */
  dark: boolean;
  /** Window icon; only Linux uses it (macOS and Windows take the packaged app's icon). */
  iconPath?: string;
}

/** The options of every studio window: the Electron security baseline plus size and theme. */
export function windowOptions({ preloadPath, dark, iconPath }: WindowOptionsInput): BrowserWindowConstructorOptions {
  return {
    title: 'Model Studio',
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    // Shown on ready-to-show so the user never sees an empty frame.
    show: false,
    backgroundColor: dark ? WINDOW_BACKGROUND.dark : WINDOW_BACKGROUND.light,
    autoHideMenuBar: false,
    ...(iconPath ? { icon: iconPath } : {}),
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
    },
  };
}
