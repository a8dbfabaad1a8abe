import { describe, expect, it } from 'vitest';
import { kamailioCallTimes } from './kamailio-times.js';

describe('kamailioCallTimes', () => {
  it('reads the queued and routed times of each call with microseconds', () => {
    const log = [
      ' 3(101) INFO: <script>: hub.acd: call 1-9@127.0.0.1 from 138****8000 queued in general (tindex=1 tlabel=2) at 1764800000.001500',
      ' 3(101) INFO: <script>: hub.acd: call 2-9@127.0.0.1 from 138****8001 queued in general (tindex=1 tlabel=3) at 1764800001.000000',
      ' 4(102) INFO: <script>: hub.acd: call 1-9@127.0.0.1 routed to agent 1001 at sip:x (queue general, waited 1 ms) at 1764800000.004250',
    ].join('\n');
    const times = kamailioCallTimes(log);
    expect(times.get('1-9@127.0.0.1')).toEqual({
      queuedAt: 1764800000001.5,
      routedAt: 1764800000004.25,
    });
    expect(times.get('2-9@127.0.0.1')).toEqual({ queuedAt: 1764800001000 });
  });

  it('keeps the last route of a re-queued call and ignores lines without a time', () => {
    const log = [
      'hub.acd: call c1 routed to agent 1001 at sip:a (queue general, waited 0 ms) at 10.000100',
      'hub.acd: call c1 routed to agent 1002 at sip:b (queue general, waited 9 ms) at 12.000200',
      'hub.acd: call c2 routed to agent 1001 at sip:a (queue general, waited 0 ms)',
    ].join('\n');
    const times = kamailioCallTimes(log);
    expect(times.get('c1')?.routedAt).toBeCloseTo(12000.2, 6);
    expect(times.has('c2')).toBe(false);
  });
});
