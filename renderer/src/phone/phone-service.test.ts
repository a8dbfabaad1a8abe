import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PhoneEvent } from './phone-types';

/** What the fake sip.js hands back to the test: the UA's delegate and the Registerer. */
const sip = vi.hoisted(() => {
  type Listener = (state: string) => void;
  interface RegisterCall {
    requestDelegate?: {
      onAccept?: (response: unknown) => void;
      onReject?: (response: { message: { statusCode: number; reasonPhrase: string } }) => void;
    };
  }

  class FakeRegisterer {
    state = 'Initial';
    readonly registers: RegisterCall[] = [];
    private readonly listeners = new Set<Listener>();
    readonly stateChange = { addListener: (l: Listener) => this.listeners.add(l) };

    register(options: RegisterCall = {}) {
      this.registers.push(options);
      return Promise.resolve({});
    }
    unregister() {
      return Promise.resolve();
    }
    dispose() {
      return Promise.resolve();
    }
    /** Like sip.js: a state change fires only when the state really changes. */
    moveTo(state: string) {
      if (state === this.state) return;
      this.state = state;
      for (const listener of this.listeners) listener(state);
    }
    /** The registrar answered 200 to the latest REGISTER. */
    accept() {
      this.moveTo('Registered');
      this.registers.at(-1)?.requestDelegate?.onAccept?.({});
    }
  }

  const state = {
    delegate: null as null | { onConnect(): void; onDisconnect(error?: Error): void },
    registerer: null as FakeRegisterer | null,
    connected: true,
  };

  class FakeUserAgent {
    static makeURI(text: string) {
      return { toString: () => text };
    }
    constructor(options: { delegate: NonNullable<typeof state.delegate> }) {
      state.delegate = options.delegate;
    }
    start() {
      return Promise.resolve();
    }
    stop() {
      return Promise.resolve();
    }
    isConnected() {
      return state.connected;
    }
    reconnect() {
      return Promise.resolve();
    }
  }

  return { state, FakeUserAgent, FakeRegisterer };
});

vi.mock('sip.js', () => ({
  UserAgent: sip.FakeUserAgent,
  Registerer: class extends sip.FakeRegisterer {
    constructor() {
      super();
      sip.state.registerer = this;
    }
  },
  RegistererState: {
    Initial: 'Initial',
    Registered: 'Registered',
    Unregistered: 'Unregistered',
    Terminated: 'Terminated',
  },
  SessionState: {
    Initial: 'Initial',
    Establishing: 'Establishing',
    Established: 'Established',
    Terminating: 'Terminating',
    Terminated: 'Terminated',
  },
}));

const { PhoneService } = await import('./phone-service');

const CONFIG = {
  wsUrl: 'ws://127.0.0.1:5066',
  domain: 'hotline.local',
  user: '1001',
  password: 'secret',
  displayName: 'Agent 1001',
};

describe('PhoneService registration', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.stubGlobal('window', new EventTarget());
  });

  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  async function started() {
    const phone = new PhoneService();
    const states: string[] = [];
    phone.subscribe((event: PhoneEvent) => {
      if (event.type === 'registration') states.push(event.state);
    });
    await phone.start(CONFIG as never);
    const registerer = sip.state.registerer!;
    const delegate = sip.state.delegate!;
    return { phone, states, registerer, delegate };
  }

  it('is registered after the first 200', async () => {
    const { phone, states, registerer, delegate } = await started();
    delegate.onConnect();
    registerer.accept();

    expect(states).toEqual(['connecting', 'registering', 'registered']);
    await phone.stop();
  });

  it('shows registered again when a re-REGISTER after a reconnect is accepted', async () => {
    const { phone, states, registerer, delegate } = await started();
    delegate.onConnect();
    registerer.accept();

    // The PBX restarts: the transport drops and comes back; the Registerer stays Registered.
    delegate.onDisconnect(new Error('socket closed'));
    delegate.onConnect();
    expect(states.at(-1)).toBe('registering');
    expect(registerer.registers).toHaveLength(2);

    registerer.accept();
    expect(registerer.state).toBe('Registered');
    expect(states.slice(3)).toEqual(['connecting', 'registering', 'registered']);
    await phone.stop();
  });

  it('says failed when the registrar refuses, and tries again later', async () => {
    const { phone, states, registerer, delegate } = await started();
    delegate.onConnect();
    registerer.registers[0]?.requestDelegate?.onReject?.({
      message: { statusCode: 403, reasonPhrase: 'Forbidden' },
    });
    expect(states.at(-1)).toBe('failed');

    await vi.advanceTimersByTimeAsync(1000);
    expect(registerer.registers).toHaveLength(2);
    registerer.accept();
    expect(states.at(-1)).toBe('registered');
    await phone.stop();
  });
});
