/**
 * The Electron main process: a thin adapter over the seat core.
 *
 * It owns what only Electron can do (the window, its hardening, the OS key store later)
 * and forwards every desk request to the same seat core the browser seat host uses, so
 * the two seats cannot drift apart. The window runs with context isolation and the
 * sandbox on and Node integration off; the preload is the renderer's only way in.
 */
import { app, BrowserWindow, ipcMain, session, shell } from 'electron';
import path from 'node:path';
import { DESK_IPC, type DeskEventFrame, type DeskResponseFrame } from '../../shared/desk-api.js';
import { loadElectronSeatConfig } from './config.js';
import { openSeatCore } from './seat.js';

const config = loadElectronSeatConfig(process.env, app.getPath('userData'));
const rendererIndex = path.join(config.appRoot, 'renderer', 'dist', 'index.html');
const rendererUrl = new URL(`file://${rendererIndex}`);

function isOwnPage(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'file:' && parsed.pathname === rendererUrl.pathname;
  } catch {
    return false;
  }
}

function createDeskWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1366,
    height: 768,
    minWidth: 1280,
    minHeight: 720,
    title: 'Hotline Desk',
    show: false,
    webPreferences: {
      preload: path.join(__dirname, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      devTools: !app.isPackaged,
    },
  });
  win.once('ready-to-show', () => win.show());
  // Nothing but the app's own page may load in the window; links go to the OS browser.
  win.webContents.on('will-navigate', (event, url) => {
    if (!isOwnPage(url)) event.preventDefault();
  });
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  void win.loadFile(rendererIndex);
  return win;
}

async function main(): Promise<void> {
  await app.whenReady();

  // The softphone needs the microphone (and the camera on the sign-language seat);
  // nothing else is granted, and only to the app's own page.
  session.defaultSession.setPermissionRequestHandler((contents, permission, grant) => {
    grant(permission === 'media' && isOwnPage(contents.getURL()));
  });

  const core = openSeatCore(config);
  const windows = new Set<BrowserWindow>();

  ipcMain.handle(DESK_IPC.call, async (event, method: unknown, params: unknown) => {
    const frameUrl = event.senderFrame?.url ?? '';
    if (!isOwnPage(frameUrl)) {
      const refused: DeskResponseFrame = {
        id: 0,
        ok: false,
        error: { code: 'bad-request', message: 'desk calls are accepted from the desk page only' },
      };
      return refused;
    }
    return core.request(method, params);
  });

  core.onEvent((frame: DeskEventFrame) => {
    for (const win of windows) if (!win.isDestroyed()) win.webContents.send(DESK_IPC.event, frame);
  });

  const open = (): void => {
    const win = createDeskWindow();
    windows.add(win);
    win.on('closed', () => windows.delete(win));
  };
  open();

  app.on('activate', () => {
    if (windows.size === 0) open();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('will-quit', () => {
    void core.close();
  });
}

main().catch((error: unknown) => {
  console.error('Hotline Desk failed to start:', error);
  app.exit(1);
});
