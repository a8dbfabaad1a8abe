import { describe, expect, it } from 'vitest';
import type { HubExchange } from './hub-proxy.js';
import { hubOffers, popParts, renderParts, seatOffers } from './pop-parts.js';

const HISTORY = '/api/v1/callers/13800138000/history';
const KB = '/api/v1/kb/search';
const exchange = (url: string, startedAt: number, endedAt: number): HubExchange => ({
  method: url === KB ? 'POST' : 'GET',
  url,
  status: 200,
  startedAt,
  endedAt,
});

const base = {
  callId: 'c1',
  number: '13800138000',
  kamailio: { queuedAt: 1000, routedAt: 1003 },
  historyPath: HISTORY,
  kbPath: KB,
};

describe('popParts', () => {
  it('takes a pop apart from the Kamailio, proxy and desk times of its call', () => {
    const result = popParts({
      ...base,
      pop: { openedAt: 1004, readyAt: 1012, paintedAt: 1020 },
      exchanges: [
        exchange('/api/v1/callers/13900000000/history', 990, 995), // an earlier call's
        exchange(HISTORY, 1002.5, 1005),
        exchange(KB, 1005.5, 1009),
      ],
    });
    expect(result).toEqual({
      ok: true,
      parts: {
        callId: 'c1',
        total: 17,
        routing: 3,
        offer: -0.5,
        history: 2.5,
        kb: 3.5,
        render: 11,
        kbCached: false,
        dom: 9,
        via: 'seat',
      },
    });
  });

  it('counts a pop whose KB answers the seat had for the topic: kb 0, render from history', () => {
    const result = popParts({
      ...base,
      pop: { openedAt: 1004, readyAt: 1012, paintedAt: 1020 },
      exchanges: [exchange(KB, 990, 995), exchange(HISTORY, 1002.5, 1005)],
    });
    expect(result).toMatchObject({ ok: true, parts: { kb: 0, render: 15, kbCached: true } });
  });

  it('says what is missing when a pop never completed or a request was not seen', () => {
    expect(popParts({ ...base, pop: { openedAt: 1004 }, exchanges: [] })).toEqual({
      ok: false,
      reason: 'the pop of c1 never showed history, wait and KB',
    });
    const pop = { openedAt: 1004, readyAt: 1012, paintedAt: 1020 };
    expect(popParts({ ...base, pop, exchanges: [exchange(KB, 1005.5, 1009)] })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/no history request/),
    });
    expect(popParts({ ...base, kamailio: { queuedAt: 1000 }, pop, exchanges: [] })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/Kamailio log/),
    });
  });

  it('takes the history and KB parts from the hub when it sent the pop with the offer', () => {
    const result = popParts({
      ...base,
      pop: { openedAt: 1009, readyAt: 1012, paintedAt: 1020 },
      exchanges: [exchange('/api/v1/handovers?caller=13800138000', 1007, 1008)],
      hubOffer: { at: 1007, historyMs: 1.2, kbMs: 2.1 },
    });
    expect(result).toEqual({
      ok: true,
      parts: {
        callId: 'c1',
        via: 'hub',
        total: 17,
        routing: 3,
        offer: 4,
        history: 1.2,
        kb: 2.1,
        render: 13,
        kbCached: false,
        dom: 9,
      },
    });
    // The seat asked for the history after all (the hub sent an error): the seat's parts.
    const asked = popParts({
      ...base,
      pop: { openedAt: 1009, readyAt: 1012, paintedAt: 1020 },
      exchanges: [exchange(HISTORY, 1007.5, 1009)],
      hubOffer: { at: 1007, historyMs: 1.2, kbMs: 0 },
    });
    expect(asked).toMatchObject({ ok: true, parts: { via: 'seat', history: 1.5 } });
  });

  it("reads the hub's offers with their pops from its log, skipping other lines", () => {
    const log = [
      JSON.stringify({
        level: 30,
        time: 1007,
        callId: 'c1',
        historyMs: 1.2,
        kbMs: 2.1,
        msg: 'call offered with its pop',
      }),
      JSON.stringify({ level: 30, time: 1006, callId: 'c1', msg: 'call routed' }),
      'not json: call offered with its pop',
      '',
    ].join('\n');
    expect([...hubOffers(log)]).toEqual([['c1', { at: 1007, historyMs: 1.2, kbMs: 2.1 }]]);
  });

  it("reads the seat host's offers: the send to the desk and the core's work on it", () => {
    const log = [
      JSON.stringify({ level: 30, time: 1008, callId: 'c1', event: 'offered', popMs: 0.7 }),
      JSON.stringify({ level: 30, time: 1008, callId: 'c1', sentAt: 1008.25, pop: true }),
      // A second desk client (another window): the first send counts.
      JSON.stringify({ level: 30, time: 1009, callId: 'c1', sentAt: 1009.5, pop: true }),
      // An offer the core logged but never sent to a desk: left out.
      JSON.stringify({ level: 30, time: 1010, callId: 'c2', event: 'offered', popMs: 0.1 }),
      'not json "callId"',
    ].join('\n');
    expect([...seatOffers(log)]).toEqual([['c1', { sentAt: 1008.25, popMs: 0.7 }]]);
  });

  it('takes the render stretch apart from the seat host log and the desk marks', () => {
    const pop = {
      openedAt: 1009,
      readyAt: 1016,
      paintedAt: 1020,
      marks: { received: 1010, parsed: 1011.5, stored: 1012, committed: 1016 },
    };
    const hubOffer = { at: 1007, historyMs: 1, kbMs: 1 };
    const seatOffer = { sentAt: 1008.25, popMs: 0.7 };
    expect(renderParts({ hubOffer, seatOffer, pop })).toEqual({
      seat: 1.25,
      seatPop: 0.7,
      toDesk: 1.75,
      parse: 1.5,
      store: 0.5,
      react: 4,
      paint: 4,
    });
    // An older desk without marks, or a pop the hub did not send: no parts.
    expect(renderParts({ hubOffer, seatOffer, pop: { ...pop, marks: {} } })).toBeNull();
    expect(renderParts({ hubOffer: undefined, seatOffer, pop })).toBeNull();
  });
});
