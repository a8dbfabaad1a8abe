import type { DeskBridge } from '../../../shared/desk-api';
import { IpcDeskBridge } from './ipc-bridge';
import { WsDeskBridge, type LinkState } from './ws-bridge';

/** The bridge the renderer talks through, and where its link state comes from. */
export interface PickedBridge {
  kind: 'electron' | 'websocket';
  desk: DeskBridge;
  /** Link changes; Electron's IPC has no link to lose, so it reports nothing. */
  onLink(listener: (state: LinkState) => void): () => void;
}

/**
 * Electron's preload exposes the desk transport as `window.deskTransport`; a renderer served by the seat
 * host (a browser seat, the end-to-end tests) has none and talks to `/desk` on the host it
 * was loaded from. `?desk=ws://host:port/desk` points a dev server's page elsewhere.
 */
export function pickBridge(win: Window): PickedBridge {
  if (win.deskTransport) {
    const desk = new IpcDeskBridge(win.deskTransport);
    return { kind: 'electron', desk, onLink: () => () => undefined };
  }
  const bridge = new WsDeskBridge({ url: deskSocketUrl(win.location) });
  return { kind: 'websocket', desk: bridge, onLink: (listener) => bridge.onLink(listener) };
}

export function deskSocketUrl(location: Pick<Location, 'protocol' | 'host' | 'search'>): string {
  const override = new URLSearchParams(location.search).get('desk');
  if (override) return override;
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/desk`;
}
