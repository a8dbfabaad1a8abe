import { MessageChannelMain, type WebContents } from 'electron';
import { PHONE_PORT_IPC } from '../../renderer/src/phone/phone-port.js';

/**
 * Connects the desk window to the phone engine window with a fresh MessageChannelMain
 * pair each time either finishes loading: the desk reloaded (or crashed and came back),
 * or the engine page did. Main carries no phone frames itself; the two renderers talk
 * over the pair directly (renderer/src/phone/phone-channel.ts), and their preloads hand
 * the ports to the pages (renderer/src/phone/phone-port.ts).
 *
 *   engine loaded ─┐
 *                  ├─ both loaded ──▶ pair → engine port1, desk port2
 *   desk loaded  ──┘     (again on every later load of either)
 */
export class PhoneRelay {
  private engine: WebContents | null = null;
  private readonly desks = new Set<WebContents>();
  /** Pages that loaded at least once; a later load of either pairs again anyway. */
  private readonly loaded = new WeakSet<WebContents>();

  constructor(private readonly log: (message: string) => void) {}

  setEngine(contents: WebContents): void {
    this.engine = contents;
    this.watch(contents, () => {
      // A new engine page: every desk needs a port to it.
      for (const desk of this.desks) this.pair(desk);
    });
  }

  addDesk(contents: WebContents): void {
    this.desks.add(contents);
    contents.once('destroyed', () => this.desks.delete(contents));
    this.watch(contents, () => this.pair(contents));
  }

  private watch(contents: WebContents, onLoad: () => void): void {
    contents.on('did-finish-load', () => {
      this.loaded.add(contents);
      onLoad();
    });
  }

  private pair(desk: WebContents): void {
    const engine = this.engine;
    if (!engine || engine.isDestroyed() || desk.isDestroyed()) return;
    if (!this.loaded.has(engine) || !this.loaded.has(desk)) return;
    const { port1, port2 } = new MessageChannelMain();
    engine.postMessage(PHONE_PORT_IPC, null, [port1]);
    desk.postMessage(PHONE_PORT_IPC, null, [port2]);
    this.log(`Handed desk ${desk.id} and the phone engine a fresh port pair.`);
  }
}
