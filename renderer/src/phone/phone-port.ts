/**
 * How a page gets the port of its phone channel (phone-channel.ts).
 *
 * - Web seat: the phone host (index.html, the top page) posts it to the desk frame each
 *   time the frame loads, with the host's own origin as the target.
 * - Electron: the main process sends a MessageChannelMain port to each window on IPC
 *   channel PHONE_PORT_IPC; the preload, which cannot hand a port to the page through
 *   contextBridge, posts it to its own window with this message.
 *
 * Either way the page sees a `message` event carrying PHONE_PORT_MESSAGE and one port.
 */
export const PHONE_PORT_MESSAGE = 'hotline:phone-port';

/** IPC channel of Electron's main process → preload port hand-over. */
export const PHONE_PORT_IPC = 'phone:port';

export interface PhonePortMessage {
  type: typeof PHONE_PORT_MESSAGE;
}

export function isPhonePortMessage(data: unknown): data is PhonePortMessage {
  return (
    typeof data === 'object' &&
    data !== null &&
    (data as { type?: unknown }).type === PHONE_PORT_MESSAGE
  );
}

/** The part of `window` that port delivery touches. */
export interface PortWindow {
  readonly parent: unknown;
  readonly location: { readonly origin: string };
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  removeEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
}

/**
 * Calls `onPort` with every phone port handed to this page, from its parent page of the
 * same origin (a desk frame in the web seat) or from its own window (the Electron
 * preload). Anything else posting that message is ignored. Returns the unsubscribe.
 */
export function onPhonePort(win: PortWindow, onPort: (port: MessagePort) => void): () => void {
  const listener = (event: MessageEvent) => {
    if (!isPhonePortMessage(event.data)) return;
    const port = event.ports[0];
    if (!port) return;
    const fromOwnWindow = event.source === win;
    const fromHost =
      event.source === win.parent && win.parent !== win && event.origin === win.location.origin;
    if (fromOwnWindow || fromHost) onPort(port);
  };
  win.addEventListener('message', listener);
  return () => win.removeEventListener('message', listener);
}
