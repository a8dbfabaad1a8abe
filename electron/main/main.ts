/**
 * The Electron main process: a thin adapter over the seat core.
 *
 * It owns what only Electron can do (the windows, their hardening, the OS key store) and
 * forwards every desk request to the same seat core the browser seat host uses, so the
 * two seats cannot drift apart. Two windows, both with context isolation and the sandbox
 * on and Node integration off, the preload their only way in:
 *
 * - the phone engine, hidden: index.html?mode=engine (sip.js, peer connections, audio);
 * - the desk, visible: desk.html, talking to the engine over a port pair that main hands
 *   both on every load (phone-relay.ts), so a reload or crash of the desk keeps the call.
 */
import { app, BrowserWindow, ipcMain, session, shell, type WebContents } from 'electron';
import path from 'node:path';
import { DESK_IPC, type DeskEventFrame, type DeskResponseFrame } from '../../shared/desk-api.js';
import { loadElectronSeatConfig } from './config.js';
import { PhoneRelay } from './phone-relay.js';
import { openSeatCore } from './seat.js';

const config = loadElectronSeatConfig(process.env, app.getPath('userData'));
const rendererDir = path.join(config.appRoot, 'renderer', 'dist');
const enginePage = path.join(rendererDir, 'index.html');
const deskPage = path.join(rendererDir, 'desk.html');
const ownPaths = new Set([enginePage, deskPage].map((f) => new URL(`file://${f}`).pathname));

function isOwnPage(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'file:' && ownPaths.has(parsed.pathname);
  } catch {
    return false;
  }
}

const webPreferences = {
  preload: path.join(__dirname, 'preload.cjs'),
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  webSecurity: true,
  devTools: !app.isPackaged,
} as const;

/** Nothing but the app's own pages may load in a window; links go to the OS browser. */
function harden(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    if (!isOwnPage(url)) event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
}

/**
 * The hidden window of the phone engine. It must keep its timers and audio at full speed
 * while never shown, and comes back by itself if its renderer dies.
 */
function createEngineWindow(): BrowserWindow {
  const win = new BrowserWindow({
    show: false,
    title: 'Hotline Desk phone',
    webPreferences: {
      ...webPreferences,
      backgroundThrottling: false,
      autoplayPolicy: 'no-user-gesture-required',
    },
  });
  harden(win.webContents);
  win.webContents.on('render-process-gone', (_event, details) => {
    console.error(`The phone engine page died (${details.reason}); reloading it.`);
    if (!win.isDestroyed()) win.webContents.reload();
  });
  void win.loadFile(enginePage, { query: { mode: 'engine' } });
  return win;
}

function createDeskWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1366,
    height: 768,
    minWidth: 1280,
    minHeight: 720,
    title: 'Hotline Desk',
    show: false,
    webPreferences,
  });
  win.once('ready-to-show', () => win.show());
  harden(win.webContents);
  // A crashed desk comes back; the call lives on in the engine window.
  win.webContents.on('render-process-gone', (_event, details) => {
    console.error(`The desk page died (${details.reason}); reloading it.`);
    if (!win.isDestroyed()) win.webContents.reload();
  });
  void win.loadFile(deskPage);
  return win;
}

async function main(): Promise<void> {
  await app.whenReady();

  // The softphone needs the microphone (and the camera on the sign-language seat);
  // nothing else is granted, and only to the app's own pages.
  session.defaultSession.setPermissionRequestHandler((contents, permission, grant) => {
    grant(permission === 'media' && isOwnPage(contents.getURL()));
  });

  const core = openSeatCore(config);
  const windows = new Set<BrowserWindow>();
  const relay = new PhoneRelay((message) => console.info(`[seat.main.phone] ${message}`));
  const engine = createEngineWindow();
  relay.setEngine(engine.webContents);

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
    for (const win of [engine, ...windows]) {
      if (!win.isDestroyed()) win.webContents.send(DESK_IPC.event, frame);
    }
  });

  const open = (): void => {
    const win = createDeskWindow();
    windows.add(win);
    relay.addDesk(win.webContents);
    win.on('closed', () => {
      windows.delete(win);
      // The hidden engine window alone does not keep the app open.
      if (windows.size === 0 && process.platform !== 'darwin') app.quit();
    });
  };
  open();

  app.on('activate', () => {
    if (windows.size === 0) open();
  });
  app.on('will-quit', () => {
    void core.close();
  });
}

main().catch((error: unknown) => {
  console.error('Hotline Desk failed to start:', error);
  app.exit(1);
});
