import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { DeskEventFrame, DeskTransport } from '../../shared/desk-api.js';

/**
 * The preload runs only inside Electron; here 'electron' is replaced by a recorder of what
 * the preload does with contextBridge and ipcRenderer, so its checks can be exercised.
 */
const exposed = new Map<string, unknown>();
const invoke = vi.fn();
const channels = new Map<string, (event: unknown, frame?: DeskEventFrame) => void>();
/** What the preload posts to its own window (the phone port for the page). */
const posted: Array<{ message: unknown; origin: string; transfer: unknown[] }> = [];
vi.stubGlobal('window', {
  postMessage: (message: unknown, origin: string, transfer: unknown[] = []) =>
    posted.push({ message, origin, transfer }),
});

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
  ipcRenderer: {
    invoke: (...args: unknown[]) => invoke(...args),
    on: (channel: string, listener: (event: unknown, frame?: DeskEventFrame) => void) =>
      channels.set(channel, listener),
  },
}));

async function loadPreload(): Promise<DeskTransport> {
  vi.resetModules();
  exposed.clear();
  channels.clear();
  posted.length = 0;
  await import('./preload.js');
  return exposed.get('deskTransport') as DeskTransport;
}

beforeEach(() => {
  invoke.mockReset();
  invoke.mockResolvedValue({ id: 0, ok: true, result: {} });
});

describe('the desk preload', () => {
  it('exposes exactly one object and listens on the desk event and phone port channels only', async () => {
    await loadPreload();
    expect([...exposed.keys()]).toEqual(['deskTransport']);
    expect([...channels.keys()].sort()).toEqual(['desk:event', 'phone:port']);
  });

  it('hands the phone port from main to its own page, and nothing when there is none', async () => {
    await loadPreload();
    const deliver = channels.get('phone:port')!;
    const port = { a: 'MessagePort' };
    deliver({ ports: [port], sender: 'the IPC event must not leak' });
    deliver({ ports: [] });
    expect(posted).toEqual([
      { message: { type: 'hotline:phone-port' }, origin: '*', transfer: [port] },
    ]);
  });

  it('passes a valid call to the main process on the desk call channel', async () => {
    const transport = await loadPreload();
    await transport.request('kb.search', { q: '社保卡补办' });
    expect(invoke).toHaveBeenCalledWith('desk:call', 'kb.search', { q: '社保卡补办' });
  });

  it('refuses an unknown method without crossing to the main process', async () => {
    const transport = await loadPreload();
    const reply = await transport.request('fs.readFile' as never, { path: '/etc/passwd' });
    expect(reply).toMatchObject({ ok: false, error: { code: 'unknown-method' } });
    expect(invoke).not.toHaveBeenCalled();
  });

  it('refuses malformed params and names the field', async () => {
    const transport = await loadPreload();
    const reply = await transport.request('order.save', {
      order: { type: 'complaint', category: 'noise', territory: 'Atlantis', summary: 'x' },
    });
    expect(reply).toMatchObject({
      ok: false,
      error: { code: 'bad-request', field: 'order.territory' },
    });
    const extra = await transport.request('sync.status', { evil: true });
    expect(extra).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(invoke).not.toHaveBeenCalled();
  });

  it('hands listeners plain frames of known events only, and lets them unsubscribe', async () => {
    const transport = await loadPreload();
    const got: DeskEventFrame[] = [];
    const off = transport.subscribe((frame) => got.push(frame));
    const deliver = channels.get('desk:event')!;
    const ipcEvent = { sender: 'the IPC event must not leak' };
    deliver(ipcEvent, { event: 'agent.state', payload: { state: 'ready' } });
    deliver(ipcEvent, { event: 'shell.exec' as never, payload: 'rm -rf /' });
    off();
    deliver(ipcEvent, { event: 'agent.state', payload: { state: 'not-ready' } });
    expect(got).toEqual([{ event: 'agent.state', payload: { state: 'ready' } }]);
  });
});
