import { describe, expect, it } from 'vitest';
import { HUB_PATHS, type Handover, type HandoverRequest } from '../../shared/hub-api.js';
import type { FetchLike } from './hub/hub-client.js';
import { hubError, jsonResponse as json, seatOnFakeHub } from './testing/fake-hub-seat.js';
import type { SeatKit } from './testing/seat-kit.js';

/**
 * The handover that travels with a transfer: `call.handover` posts it to the hub, and the
 * specialist's `pop.lookup` asks the hub for it (by the consult call's context, else by
 * the caller) next to the history. The fake hub does not serve handovers: `Handovers`
 * answers them here the way server/routes/handovers.ts does.
 */
const seats = seatOnFakeHub();

const REQUEST: HandoverRequest = {
  callId: 'citizen-1@pbx',
  callerNumber: '13800138000',
  target: '123453',
  draft: { type: 'complaint', category: 'noise', summary: '工地夜间施工噪音扰民' },
  notes: '来电人情绪激动',
};

class Handovers {
  readonly posted: unknown[] = [];
  readonly asked: string[] = [];
  kept: Handover | null = null;
  /** An HTTP status to answer every handover request with instead (503: hub away). */
  down: number | null = null;

  fetch(): FetchLike {
    return async (input, init) => {
      const url = new URL(String(input));
      if (url.pathname !== HUB_PATHS.handovers) return fetch(input, init);
      if (this.down !== null) return hubError(this.down, 'down', 'x');
      if (init?.method === 'POST') {
        this.posted.push(JSON.parse(String(init.body)));
        return json(200, { id: 'h-1' });
      }
      this.asked.push(url.search);
      const wanted = url.searchParams.get('callId') ?? url.searchParams.get('caller');
      const kept = this.kept;
      if (kept && (kept.callId === wanted || kept.callerNumber === wanted)) return json(200, kept);
      return hubError(404, 'no-handover', 'no handover for you');
    };
  }
}

function handover(over: Partial<Handover> = {}): Handover {
  return {
    id: 'h-1',
    callId: 'citizen-1@pbx',
    callerNumber: '13800138000',
    target: '123453',
    fromAgent: { id: 'ag-001', name: '陈晓敏', extension: '1001' },
    draft: REQUEST.draft ?? null,
    notes: REQUEST.notes ?? '',
    at: '2026-12-04T02:00:00.000Z',
    ...over,
  };
}

function open(handovers: Handovers): Promise<SeatKit> {
  return seats.open(handovers.fetch());
}

describe('call.handover', () => {
  it('posts the draft and notes to the hub and logs the call, not the number', async () => {
    const handovers = new Handovers();
    const kit = await open(handovers);

    expect(await kit.call('call.handover', REQUEST)).toEqual({ id: 'h-1' });
    expect(handovers.posted).toEqual([REQUEST]);
    const line = kit.logs.find((l) => String(l.msg).startsWith('Handover h-1'));
    expect(line).toMatchObject({ callId: 'citizen-1@pbx', target: '123453' });
    expect(JSON.stringify(kit.logs)).not.toContain('13800138000');
    expect(JSON.stringify(kit.logs)).not.toContain(REQUEST.notes);
  });

  it('answers hub-unreachable when the hub cannot take it', async () => {
    const handovers = new Handovers();
    const kit = await open(handovers);
    handovers.down = 503;
    const answer = await kit.core.handle('call.handover', REQUEST);
    expect(answer).toMatchObject({ ok: false, error: { code: 'hub-unreachable' } });
  });

  it('refuses a target that is not a number, naming it', async () => {
    const kit = await open(new Handovers());
    const answer = await kit.core.handle('call.handover', { ...REQUEST, target: 'sip:1002' });
    expect(answer).toMatchObject({ ok: false, error: { code: 'bad-request', field: 'target' } });
  });
});

describe('pop.lookup with a handover', () => {
  it('finds a consult call’s handover by the citizen’s call, next to the history', async () => {
    const handovers = new Handovers();
    handovers.kept = handover();
    const kit = await open(handovers);

    // A consult call comes from the first agent's extension, naming the citizen's call.
    const pop = await kit.call('pop.lookup', {
      callerNumber: '1001',
      contextCallId: 'citizen-1@pbx',
    });
    expect(pop.handover).toEqual(handover());
    expect(handovers.asked).toEqual(['?callId=citizen-1%40pbx']);
  });

  it('finds a blind transfer’s handover by the caller’s number', async () => {
    const handovers = new Handovers();
    handovers.kept = handover();
    const kit = await open(handovers);
    const pop = await kit.call('pop.lookup', { callerNumber: '+86 138 0013 8000' });
    expect(pop.handover?.notes).toBe(REQUEST.notes);
    expect(handovers.asked).toEqual(['?caller=13800138000']);
    expect(pop.history).not.toBeNull();
  });

  it('is null when the hub has none for this agent, or cannot answer', async () => {
    const handovers = new Handovers();
    const kit = await open(handovers);
    expect((await kit.call('pop.lookup', { callerNumber: '13800138000' })).handover).toBeNull();

    handovers.down = 503;
    const pop = await kit.call('pop.lookup', {
      callerNumber: '1001',
      contextCallId: 'citizen-9@pbx',
    });
    expect(pop.handover).toBeNull();
    expect(pop.history).not.toBeNull();
  });

  it('does not ask for a withheld number without a context call', async () => {
    const handovers = new Handovers();
    const kit = await open(handovers);
    expect((await kit.call('pop.lookup', { callerNumber: 'anonymous' })).handover).toBeNull();
    expect(handovers.asked).toEqual([]);
  });
});
