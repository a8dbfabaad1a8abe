import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { sampleOrderInput, startFakeHub, type FakeHub } from '../../tests/fakes/hub-sync.js';
import { MIGRATIONS, migrate } from './store/migrations.js';
import { startSeatKit, type SeatKit } from './testing/seat-kit.js';

/**
 * A desk PC shared between shifts: what one agent saved must reach the hub as theirs,
 * never under the next agent's session, and each agent sees only their own orders.
 */
let hub: FakeHub | null = null;
let kit: SeatKit | null = null;
const dirs: string[] = [];

afterEach(async () => {
  await kit?.close();
  await hub?.close();
  kit = hub = null;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const signIn = (k: SeatKit, account: string) =>
  k.call('session.login', { account, password: 'secret', extension: '1001' });

const hubAgentOf = (h: FakeHub, localId: string) =>
  [...h.orders.values()].find((o) => o.clientOrderId === localId)?.agentId;

describe('a desk PC shared by two agents', () => {
  it("sends an agent's offline orders under their own session only, and shows each agent theirs", async () => {
    hub = await startFakeHub({
      rejectMutation: (m) =>
        m.name === 'order.create' && m.args.summary === '退回' ? 'summary too short' : null,
    });
    kit = startSeatKit({ hubUrl: hub.url });

    // agent01 signs in, the hub goes away, agent01 saves two orders and signs out.
    await signIn(kit, 'agent01');
    await kit.call('sync.now', {});
    await hub.stop();
    const a1 = await kit.call('order.save', {
      order: sampleOrderInput({ summary: '一号坐席的工单' }),
    });
    const refusedLater = await kit.call('order.save', {
      order: sampleOrderInput({ summary: '退回' }),
    });
    expect((await kit.call('sync.status', {})).pending).toBe(2);
    await kit.call('session.logout', {});
    await hub.start();

    // agent02 signs in on the same seat: agent01's entries wait for agent01.
    await signIn(kit, 'agent02');
    const b1 = await kit.call('order.save', {
      order: sampleOrderInput({ summary: '二号坐席的工单' }),
    });
    const status2 = await kit.call('sync.now', {});
    expect(status2).toMatchObject({ pending: 0, rejected: 0, lastError: null });
    expect(hubAgentOf(hub, b1.localId)).toBe('agent-agent02');
    expect(hubAgentOf(hub, a1.localId)).toBeUndefined();
    expect(hub.orders.size).toBe(1);

    expect((await kit.call('order.list', {})).map((o) => o.localId)).toEqual([b1.localId]);
    expect(
      (await kit.call('order.list', { callerNumber: '13800138000' })).map((o) => o.localId),
    ).toEqual([b1.localId]);
    expect(await kit.call('order.get', { localId: a1.localId })).toBeNull();
    const pop = await kit.call('pop.lookup', { callerNumber: '13800138000' });
    expect(pop.localOrders.map((o) => o.localId)).toEqual([b1.localId]);
    // Another agent's order cannot be edited from this session either.
    const edit = await kit.core.handle('order.update', {
      localId: a1.localId,
      changes: { summary: '改别人的工单' },
    });
    expect(edit).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(await kit.call('sync.rejected', {})).toEqual([]);
    expect(await kit.call('conflict.list', {})).toEqual([]);

    // agent01 is back on this seat: their orders go out as theirs.
    await kit.call('session.logout', {});
    await signIn(kit, 'agent01');
    const status1 = await kit.call('sync.now', {});
    expect(status1).toMatchObject({ pending: 0, rejected: 1 });
    expect(hubAgentOf(hub, a1.localId)).toBe('agent-agent01');
    expect(hubAgentOf(hub, b1.localId)).toBe('agent-agent02');
    expect((await kit.call('order.list', {})).map((o) => o.localId)).toEqual([
      refusedLater.localId,
      a1.localId,
    ]);
    expect(await kit.call('order.get', { localId: b1.localId })).toBeNull();
    const refusals = await kit.call('sync.rejected', {});
    expect(refusals.map((r) => r.localId)).toEqual([refusedLater.localId]);

    // The refusal is agent01's: agent02 neither sees it nor can dismiss it.
    await kit.call('session.logout', {});
    await signIn(kit, 'agent02');
    expect(await kit.call('sync.rejected', {})).toEqual([]);
    expect((await kit.call('sync.status', {})).rejected).toBe(0);
    const dismiss = await kit.core.handle('sync.dismiss', {
      mutationId: refusals[0]!.mutationId,
    });
    expect(dismiss).toMatchObject({ ok: false, error: { code: 'not-found' } });
    // Each create went out exactly once.
    expect([...hub.received.values()].every((n) => n === 1)).toBe(true);
  });

  it('pushes entries saved before the seat recorded agents with whoever signs in next', async () => {
    hub = await startFakeHub();
    const dir = mkdtempSync(path.join(tmpdir(), 'seat-core-'));
    dirs.push(dir);

    // A seat file at schema 2 (no agent column) with one order waiting in its outbox.
    const db = new Database(path.join(dir, 'seat.sqlite'));
    migrate(
      db,
      MIGRATIONS.filter((m) => m.version <= 2),
    );
    const localId = randomUUID();
    const fields = JSON.stringify(sampleOrderInput({ summary: '升级前保存的工单' }));
    const at = new Date().toISOString();
    db.prepare(
      `INSERT INTO orders (local_id, fields, caller_key, status, created_at, save_seq)
       VALUES (?, ?, '13800138000', 'pending', ?, 1)`,
    ).run(localId, fields, at);
    db.prepare(
      `INSERT INTO outbox (mutation_id, name, order_id, args, created_at)
       VALUES (?, 'order.create', ?, ?, ?)`,
    ).run(randomUUID(), localId, fields, at);
    db.close();

    kit = startSeatKit({ hubUrl: hub.url, keepDir: dir });
    await signIn(kit, 'agent02');
    expect(await kit.call('sync.now', {})).toMatchObject({ pending: 0, rejected: 0 });
    expect(hubAgentOf(hub, localId)).toBe('agent-agent02');
    // A row of no known agent is shown to every agent.
    expect((await kit.call('order.list', {})).map((o) => o.localId)).toEqual([localId]);
    await kit.call('session.logout', {});
    await signIn(kit, 'agent03');
    expect((await kit.call('order.get', { localId }))?.status).toBe('synced');
  });
});
