import { describe, expect, it } from 'vitest';
import { phoneCall } from '../testing/fakes';
import { guardLeaving } from './leave-guard';
import { LiveCalls } from './live-calls';

/** A window that keeps its listeners, so a test can fire the page's leaving events. */
function fakeWindow() {
  const listeners = new Map<string, (event: unknown) => void>();
  const win = {
    addEventListener: (type: string, fn: (event: unknown) => void) => listeners.set(type, fn),
    removeEventListener: (type: string) => listeners.delete(type),
  } as unknown as Pick<Window, 'addEventListener' | 'removeEventListener'>;
  const fire = (type: string) => {
    const event = {
      prevented: false,
      returnValue: '' as unknown,
      preventDefault() {
        this.prevented = true;
      },
    };
    listeners.get(type)?.(event);
    return event;
  };
  return { win, fire, listeners };
}

function setup() {
  const hungUp: string[] = [];
  const engine = {
    hangup: async (callId: string) => {
      hungUp.push(callId);
      if (callId === 'bad') throw new Error('no such call');
    },
  };
  const live = new LiveCalls();
  const page = fakeWindow();
  const remove = guardLeaving(page.win, engine, live);
  return { hungUp, live, ...page, remove };
}

describe('the phone host when its page goes away', () => {
  it('lets the page go without a prompt when no call is live', () => {
    const { fire, live } = setup();
    live.onPhoneEvent({ type: 'call', call: phoneCall({ phase: 'ended', outcome: 'ended' }) });
    const event = fire('beforeunload');
    expect(event.prevented).toBe(false);
    expect(event.returnValue).toBe('');
  });

  it('asks the browser to confirm leaving while a call is live', () => {
    const { fire, live } = setup();
    live.onPhoneEvent({ type: 'call', call: phoneCall({ phase: 'active' }) });
    const event = fire('beforeunload');
    expect(event.prevented).toBe(true);
    expect(event.returnValue).not.toBe('');
  });

  it('hangs up every live call on pagehide, and not the ended ones', async () => {
    const { fire, live, hungUp } = setup();
    live.onPhoneEvent({ type: 'call', call: phoneCall({ callId: 'a', phase: 'active' }) });
    live.onPhoneEvent({ type: 'call', call: phoneCall({ callId: 'b', phase: 'ringing' }) });
    live.onPhoneEvent({ type: 'call', call: phoneCall({ callId: 'bad', phase: 'dialing' }) });
    live.onPhoneEvent({ type: 'call', call: phoneCall({ callId: 'c', phase: 'ended' }) });
    fire('pagehide');
    await new Promise((r) => setTimeout(r, 0));
    expect(hungUp).toEqual(['a', 'b', 'bad']);
  });

  it('removes both listeners when asked', () => {
    const { remove, listeners } = setup();
    expect([...listeners.keys()].sort()).toEqual(['beforeunload', 'pagehide']);
    remove();
    expect(listeners.size).toBe(0);
  });
});
