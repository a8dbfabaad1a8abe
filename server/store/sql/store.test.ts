import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { testBackends } from '../../testing/store-backends.js';
import { openHubStore, storeTarget } from '../open-store.js';
import type { AuditEntry, CallRecord, HubStore } from '../repository.js';

const agent = {
  id: 'a1',
  account: 'agent01',
  name: '李四',
  role: 'agent' as const,
  homeExtension: '1001',
  queues: ['general', 'enterprise'],
  passwordHash: 'hash-1',
};

function call(callId: string, callerKey: string, queuedAt: number): CallRecord {
  return {
    callId,
    caller: `sip:${callerKey}@pbx`,
    callerKey,
    queue: 'general',
    queuedAt,
    routedAt: queuedAt + 1000,
    answeredAt: queuedAt + 3000,
    endedAt: queuedAt + 60_000,
    agent: '1001',
    outcome: 'answered',
    waitMs: 1000,
  };
}

function entry(at: number, actorId: string, subject: string): AuditEntry {
  return { at, actorId, actorRole: 'agent', action: 'read', subject, via: 'GET /x', detail: null };
}

describe.each(testBackends())('hub store on $name', (backend) => {
  let store: HubStore;

  beforeEach(async () => {
    store = await openHubStore(storeTarget(await backend.scratch()));
    return () => store.close();
  });
  afterAll(() => backend.cleanup());

  it('says which backend it is and whether it is empty', async () => {
    expect(store.backend).toBe(backend.name);
    expect(await store.isEmpty()).toBe(true);
    await store.agents.insert(agent);
    expect(await store.isEmpty()).toBe(false);
  });

  it('keeps agents, their presence with a not-ready reason, and password hashes', async () => {
    await store.agents.insert(agent);
    expect(await store.agents.findByAccount('agent01')).toMatchObject({
      ...agent,
      seatExtension: null,
      state: 'logged-out',
      stateReason: null,
      stateSince: 0,
    });
    await store.agents.setPresence('a1', {
      state: 'not-ready',
      reason: 'break',
      since: 5,
      seatExtension: '1002',
    });
    expect(await store.agents.get('a1')).toMatchObject({
      state: 'not-ready',
      stateReason: 'break',
    });
    await store.agents.setPresence('a1', {
      state: 'ready',
      reason: 'stale',
      since: 6,
      seatExtension: '1002',
    });
    expect(await store.agents.get('a1')).toMatchObject({
      state: 'ready',
      stateReason: null,
      stateSince: 6,
    });
    await store.agents.setPasswordHash('a1', 'hash-2');
    expect((await store.agents.list()).map((a) => a.passwordHash)).toEqual(['hash-2']);
    expect(await store.agents.get('nobody')).toBeNull();
  });

  it('finds live sessions only, revokes once, purges the expired', async () => {
    await store.agents.insert(agent);
    await store.sessions.create('t1', {
      agentId: 'a1',
      extension: '1001',
      createdAt: 0,
      expiresAt: 100,
    });
    await store.sessions.create('t2', {
      agentId: 'a1',
      extension: '1001',
      createdAt: 0,
      expiresAt: 200,
    });
    await store.sessions.create('t3', {
      agentId: 'a1',
      extension: '1001',
      createdAt: 0,
      expiresAt: 300,
    });
    expect(await store.sessions.find('t1', 50)).toEqual({
      agentId: 'a1',
      extension: '1001',
      createdAt: 0,
      expiresAt: 100,
    });
    expect(await store.sessions.find('t1', 100)).toBeNull();
    const revoked = await Promise.all([store.sessions.revoke('t2'), store.sessions.revoke('t2')]);
    expect(revoked.sort()).toEqual([false, true]);
    expect(await store.sessions.purgeExpired(150)).toBe(1);
    expect(await store.sessions.revokeAgent('a1')).toBe(1);
    expect(await store.sessions.find('t3', 0)).toBeNull();
  });

  it('follows a call through its life, resets a reused Call-ID, fails open calls', async () => {
    await store.calls.queued({
      callId: 'c1',
      caller: 'sip:1',
      callerKey: '13800138000',
      queue: 'general',
      queuedAt: 1000,
    });
    await store.calls.update('c1', { routedAt: 3000, agent: '1001', waitMs: 2000 });
    expect(await store.calls.get('c1')).toMatchObject({
      routedAt: 3000,
      agent: '1001',
      outcome: null,
    });
    await store.calls.update('c1', {});
    await store.calls.update('c1', { outcome: 'answered', endedAt: 9000 });
    await store.calls.queued({
      callId: 'c1',
      caller: 'sip:2',
      callerKey: null,
      queue: 'policy',
      queuedAt: 20_000,
    });
    expect(await store.calls.get('c1')).toEqual({
      callId: 'c1',
      caller: 'sip:2',
      callerKey: null,
      queue: 'policy',
      queuedAt: 20_000,
      routedAt: null,
      answeredAt: null,
      endedAt: null,
      agent: null,
      outcome: null,
      waitMs: null,
    });
    await store.calls.queued({
      callId: 'c2',
      caller: 'sip:3',
      callerKey: null,
      queue: 'general',
      queuedAt: 1,
    });
    expect(await store.calls.failOpen(30_000)).toBe(2);
    expect(await store.calls.get('c2')).toMatchObject({ outcome: 'failed', endedAt: 30_000 });
    expect(await store.calls.get('missing')).toBeNull();
  });

  it('imports calls and pages a caller newest first in the pop vocabulary', async () => {
    const calls = Array.from({ length: 30_000 }, (_, i) =>
      call(`k${i}`, `1380000${String(i % 1000).padStart(4, '0')}`, i * 1000),
    );
    calls.push({
      ...call('t', '13800000007', 10_000_000_000),
      outcome: 'timeout',
      agent: null,
      waitMs: null,
    });
    await store.calls.importCalls(calls);
    const page = await store.calls.byCaller('13800000007', { limit: 2, offset: 0 });
    expect(page).toEqual([
      {
        callId: 't',
        at: new Date(10_000_000_000).toISOString(),
        queue: 'general',
        waitMs: 0,
        outcome: 'failed',
        agentExtension: null,
      },
      {
        callId: 'k29007',
        at: new Date(29_007_000).toISOString(),
        queue: 'general',
        waitMs: 1000,
        outcome: 'answered',
        agentExtension: '1001',
      },
    ]);
    expect(await store.calls.byCaller('13800000007', { limit: 100, offset: 0 })).toHaveLength(31);
  });

  it('appends audit entries and lists them by subject or actor, newest first', async () => {
    await store.audit.append([
      entry(10, 'a1', 'caller:13800138000'),
      entry(20, 'a2', 'caller:13800138000'),
      { ...entry(30, 'a1', 'order:DG20261203000001'), action: 'update', detail: 'state=closed' },
    ]);
    await store.audit.append([]);
    const bySubject = await store.audit.list({ subject: 'caller:13800138000', limit: 10 });
    expect(bySubject.map((e) => [e.at, e.actorId])).toEqual([
      [20, 'a2'],
      [10, 'a1'],
    ]);
    const byActor = await store.audit.list({ actorId: 'a1', since: 15, limit: 10 });
    expect(byActor).toEqual([
      { ...entry(30, 'a1', 'order:DG20261203000001'), action: 'update', detail: 'state=closed' },
    ]);
    expect(await store.audit.list({ limit: 2 })).toHaveLength(2);
  });
});
