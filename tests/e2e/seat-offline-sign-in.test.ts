// The seat core's sign-in against the real hub app: offline on the desktop seat with the
// last known credentials, refused on the web seat, whose store key comes from the hub.
import { afterEach, describe, expect, it } from 'vitest';
import { sampleOrderInput } from '../fakes/hub-sync.js';
import { hubKeyStore, fixedKeyStore } from '../../electron/core/store/key-store.js';
import { useRealHubs, type RealHub } from './support/real-hub.js';
import { eventually, startSeatKit, type SeatKit } from '../../electron/core/testing/seat-kit.js';

const { startRealHub } = useRealHubs();
const key = Buffer.alloc(32, 9);
const agent01 = { account: 'agent01', password: 'demo1234', extension: '1001' };

let hub: RealHub | null = null;
const kits: SeatKit[] = [];
afterEach(async () => {
  for (const kit of kits.splice(0)) await kit.close();
  await hub?.close();
  hub = null;
});

function desktopSeat(hubUrl: string, keepDir?: string): SeatKit {
  const kit = startSeatKit({ hubUrl, keepDir, keyStore: fixedKeyStore(key), offlineSignIn: true });
  kits.push(kit);
  return kit;
}

describe('signing in while the hub is down', () => {
  it('desktop seat: checks the last sign-in locally, then signs in at the hub once it answers', async () => {
    hub = await startRealHub();
    const first = desktopSeat(hub.url);
    expect(await first.call('session.login', agent01)).toMatchObject({ offline: false });
    await first.core.close();
    await hub.stop();

    const seat = desktopSeat(hub.url, first.dir);
    expect(
      await seat.core.handle('session.login', { ...agent01, password: 'wrong' }),
    ).toMatchObject({ ok: false, error: { code: 'bad-credentials' } });
    expect(
      await seat.core.handle('session.login', { ...agent01, account: 'agent02' }),
    ).toMatchObject({ ok: false, error: { code: 'offline-credentials-unknown' } });

    const offline = await seat.call('session.login', agent01);
    expect(offline).toMatchObject({ offline: true, agent: { account: 'agent01' } });
    expect(offline.sip.password).toBeUndefined();
    const saved = await seat.call('order.save', { order: sampleOrderInput() });
    expect(saved.status).toBe('pending');

    await hub.start();
    await eventually(
      () =>
        seat.events.some(
          (e) =>
            e.event === 'order.updated' &&
            e.payload.localId === saved.localId &&
            e.payload.status === 'synced',
        ),
      10_000,
    );
    expect(await seat.call('session.get', {})).toMatchObject({ offline: false });
    const order = await seat.call('order.get', { localId: saved.localId });
    expect(order?.orderNo).toMatch(/^DG\d{14}$/);
  });

  it('web seat: refused with offline-sign-in-unavailable; its store key comes from the hub', async () => {
    hub = await startRealHub();
    const seat = startSeatKit({ hubUrl: hub.url, keyStore: hubKeyStore });
    kits.push(seat);
    expect(await seat.call('seat.status', {})).toMatchObject({
      keySource: 'hub',
      unlocked: false,
      offlineSignIn: false,
      notices: [],
    });
    expect(await seat.core.handle('order.list', {})).toMatchObject({
      ok: false,
      error: { code: 'not-logged-in' },
    });

    await seat.call('session.login', agent01);
    expect(await seat.call('seat.status', {})).toMatchObject({ unlocked: true });
    const saved = await seat.call('order.save', { order: sampleOrderInput() });
    await seat.call('session.logout', {});
    expect(await seat.call('seat.status', {})).toMatchObject({ unlocked: false });

    // The same seat id gets the same key: the store opens, nothing is kept aside.
    await seat.call('session.login', agent01);
    expect(await seat.call('seat.status', {})).toMatchObject({ unlocked: true, notices: [] });
    expect(await seat.call('order.get', { localId: saved.localId })).not.toBeNull();
    await seat.call('session.logout', {});

    await hub.stop();
    const refused = await seat.core.handle('session.login', agent01);
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'offline-sign-in-unavailable', message: expect.stringContaining('web seat') },
    });
  });
});
