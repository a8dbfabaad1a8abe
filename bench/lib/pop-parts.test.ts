import { describe, expect, it } from 'vitest';
import type { HubExchange } from './hub-proxy.js';
import { popParts } from './pop-parts.js';

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
});
