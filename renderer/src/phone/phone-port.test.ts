import { describe, expect, it } from 'vitest';
import { PHONE_PORT_MESSAGE, onPhonePort, type PortWindow } from './phone-port';

/** A window with a parent, as the desk frame has one; `deliver` plays a message event. */
function fakeWindow(origin: string, framed: boolean) {
  const listeners = new Set<(event: MessageEvent) => void>();
  const parent = {};
  const win: PortWindow & { deliver(e: Partial<MessageEvent>): void } = {
    parent: framed ? parent : null,
    location: { origin },
    addEventListener: (_type, listener) => listeners.add(listener),
    removeEventListener: (_type, listener) => listeners.delete(listener),
    deliver: (e) => {
      for (const l of listeners) l({ ports: [], ...e } as unknown as MessageEvent);
    },
  };
  if (!framed) (win as { parent: unknown }).parent = win;
  return { win, parent };
}

const { port1 } = new MessageChannel();
const message = { type: PHONE_PORT_MESSAGE };

describe('phone port delivery', () => {
  it('takes a port from the same-origin parent page and from its own window only', () => {
    const { win, parent } = fakeWindow('http://127.0.0.1:4100', true);
    const got: MessagePort[] = [];
    const off = onPhonePort(win, (port) => got.push(port));

    const ok = { data: message, ports: [port1] as never, origin: 'http://127.0.0.1:4100' };
    win.deliver({ ...ok, source: parent as never });
    win.deliver({ ...ok, source: win as never });
    win.deliver({ ...ok, source: parent as never, origin: 'http://evil.example' });
    win.deliver({ ...ok, source: {} as never });
    win.deliver({ ...ok, source: parent as never, data: { type: 'other' } });
    win.deliver({ ...ok, source: parent as never, ports: [] });
    expect(got).toHaveLength(2);

    off();
    win.deliver({ ...ok, source: parent as never });
    expect(got).toHaveLength(2);
  });

  it('in a top window (Electron) takes the port its preload posts to that window', () => {
    const { win } = fakeWindow('file://', false);
    const got: MessagePort[] = [];
    onPhonePort(win, (port) => got.push(port));
    win.deliver({ data: message, ports: [port1] as never, origin: 'null', source: win as never });
    expect(got).toEqual([port1]);
  });
});
