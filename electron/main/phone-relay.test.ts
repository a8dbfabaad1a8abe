import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';

/** 'electron' exists only inside Electron: its MessageChannelMain becomes numbered pairs. */
let pairs = 0;
vi.mock('electron', () => ({
  MessageChannelMain: class {
    readonly n = ++pairs;
    readonly port1 = `engine-port-${this.n}`;
    readonly port2 = `desk-port-${this.n}`;
  },
}));

const { PhoneRelay } = await import('./phone-relay.js');

class FakeContents extends EventEmitter {
  readonly sent: Array<{ channel: string; ports: unknown[] }> = [];
  constructor(readonly id: number) {
    super();
  }
  isDestroyed() {
    return false;
  }
  postMessage(channel: string, _message: unknown, ports: unknown[]) {
    this.sent.push({ channel, ports });
  }
  load() {
    this.emit('did-finish-load');
  }
}

function setup() {
  const logs: string[] = [];
  const relay = new PhoneRelay((m) => logs.push(m));
  const engine = new FakeContents(1);
  const desk = new FakeContents(2);
  relay.setEngine(engine as never);
  relay.addDesk(desk as never);
  return { relay, engine, desk, logs };
}

describe('the phone port relay of the main process', () => {
  it('pairs the desk and the engine once both loaded, and again on each desk reload', () => {
    pairs = 0;
    const { engine, desk } = setup();
    desk.load();
    expect(desk.sent).toEqual([]);
    engine.load();
    expect(engine.sent).toEqual([{ channel: 'phone:port', ports: ['engine-port-1'] }]);
    expect(desk.sent).toEqual([{ channel: 'phone:port', ports: ['desk-port-1'] }]);

    desk.load(); // a reload, or a crash and its reload
    expect(engine.sent.at(-1)?.ports).toEqual(['engine-port-2']);
    expect(desk.sent.at(-1)?.ports).toEqual(['desk-port-2']);
  });

  it('gives every desk a new pair when the engine page comes back', () => {
    pairs = 0;
    const { relay, engine, desk } = setup();
    const second = new FakeContents(3);
    relay.addDesk(second as never);
    engine.load();
    desk.load();
    second.load();
    expect(engine.sent).toHaveLength(2);
    engine.load();
    expect(engine.sent).toHaveLength(4);
    expect(desk.sent.map((s) => s.ports[0])).toEqual(['desk-port-1', 'desk-port-3']);
    expect(second.sent.map((s) => s.ports[0])).toEqual(['desk-port-2', 'desk-port-4']);
  });
});
