import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../server/clock.js';
import { useRealHubs, type RealHub } from './support/real-hub.js';
import { HubClient } from '../../electron/core/hub/hub-client.js';
import { HubUnreachableError } from '../../electron/core/hub/hub-errors.js';

// A seat signed in keeps working through a shift with the hub down: when the hub comes
// back after the bearer token has ended, the client renews it with the refresh token.

const { startRealHub } = useRealHubs();
let hub: RealHub | null = null;
afterEach(async () => {
  await hub?.close();
  hub = null;
});

describe('the hub client after an outage', () => {
  it('renews an expired bearer token with the refresh token once the hub is back', async () => {
    const clock = new ManualClock(Date.parse('2026-12-04T01:00:00Z'));
    hub = await startRealHub({ clock });
    let lost = 0;
    const client = new HubClient({
      baseUrl: hub.url,
      log: pino({ level: 'silent' }),
      now: () => clock.now(),
      onSessionLost: () => lost++,
    });
    const session = await client.login({
      account: 'agent01',
      password: 'demo1234',
      extension: '1001',
    });
    client.adoptSession(session);
    await client.kbSearch('社保');

    await hub.stop();
    // Two hours of outage: far past the bearer token's life, within the shift.
    clock.advance(2 * 60 * 60 * 1000);
    expect(Date.parse(session.shiftEndsAt)).toBeGreaterThan(clock.now());
    await expect(client.kbSearch('社保')).rejects.toBeInstanceOf(HubUnreachableError);

    await hub.start();
    const answer = await client.kbSearch('社保');
    expect(answer.hits.length).toBeGreaterThan(0);
    expect(client.eventsUrl()).not.toContain(session.token);
    expect(lost).toBe(0);
  });
});
