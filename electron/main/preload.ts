/**
 * The preload of the desk and phone engine windows. It runs sandboxed, with context
 * isolation, and exposes exactly one object, `window.deskTransport` (DeskTransport of
 * shared/desk-api.ts).
 *
 * Every request is checked here before it crosses to the main process (method known,
 * params valid), and checked again by the seat core: the renderer is treated as
 * untrusted. Only the two channels of DESK_IPC and the phone port channel are used;
 * nothing else of ipcRenderer leaks out, and listeners get copies of plain frames, never
 * the IPC event.
 */
import { contextBridge, ipcRenderer } from 'electron';
import {
  DESK_EVENTS,
  DESK_IPC,
  DESK_METHODS,
  describeZodError,
  isDeskMethod,
  type DeskEventFrame,
  type DeskResponseFrame,
  type DeskTransport,
} from '../../shared/desk-api.js';
import { PHONE_PORT_IPC, PHONE_PORT_MESSAGE } from '../../renderer/src/phone/phone-port.js';

const listeners = new Set<(frame: DeskEventFrame) => void>();

ipcRenderer.on(DESK_IPC.event, (_event, frame: DeskEventFrame) => {
  if (!frame || !Object.hasOwn(DESK_EVENTS, frame.event)) return;
  for (const listener of listeners) listener({ event: frame.event, payload: frame.payload });
});

// The phone channel's port (phone-relay.ts): contextBridge cannot carry a MessagePort, so
// it goes to the page as a message posted to this very window (phone-port.ts).
ipcRenderer.on(PHONE_PORT_IPC, (event) => {
  const port = event.ports[0];
  if (port) window.postMessage({ type: PHONE_PORT_MESSAGE }, '*', [port]);
});

const transport: DeskTransport = {
  async request(method, params): Promise<DeskResponseFrame> {
    if (!isDeskMethod(method)) {
      return {
        id: 0,
        ok: false,
        error: { code: 'unknown-method', message: `unknown desk method: ${String(method)}` },
      };
    }
    const parsed = DESK_METHODS[method].params.safeParse(params);
    if (!parsed.success) {
      const { field, message } = describeZodError(parsed.error);
      return { id: 0, ok: false, error: { code: 'bad-request', message, field } };
    }
    return (await ipcRenderer.invoke(DESK_IPC.call, method, parsed.data)) as DeskResponseFrame;
  },
  subscribe(listener) {
    if (typeof listener !== 'function') throw new TypeError('listener must be a function');
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  },
};

contextBridge.exposeInMainWorld('deskTransport', transport);
