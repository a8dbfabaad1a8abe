import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { HubEvents } from './hub-events.js';

// Nothing listens on port 9: every attempt fails at once and a reconnect is scheduled.
const NOWHERE = 'ws://127.0.0.1:9/api/v1/events';

let events: HubEvents | null = null;
afterEach(() => {
  events?.stop();
  events = null;
});

async function attemptsWithin(ms: number, hurry: boolean): Promise<number> {
  let attempts = 0;
  events = new HubEvents({
    log: pino({ level: 'silent' }),
    onEvent: () => {},
    onOpen: () => {},
    onClose: () => {},
    onUnauthorized: () => {},
    // A slow schedule: 4 s before the second attempt, unless hurried.
    reconnect: { baseMs: 8_000, maxMs: 60_000 },
    hurry: () => hurry,
  });
  events.start(() => {
    attempts++;
    return Promise.resolve(NOWHERE);
  });
  await new Promise((r) => setTimeout(r, ms));
  events.stop();
  return attempts;
}

describe('the hub event stream reconnecting', () => {
  it('tries again within about a second while orders wait to go out', async () => {
    expect(await attemptsWithin(2_300, true)).toBeGreaterThanOrEqual(3);
  });

  it('keeps its slower schedule otherwise', async () => {
    expect(await attemptsWithin(2_300, false)).toBe(1);
  });
});
