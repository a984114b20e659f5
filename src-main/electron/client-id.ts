/** The one IPC channel on which main pushes events to a window (the preload listens on it). */
export const EVENT_CHANNEL = 'studio:event';

/** The clientId the services know a window by: `window:<webContents.id>`. */
export function clientIdOf(webContentsId: number): string {
  return `window:${webContentsId}`;
}
