import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DeskBridge, DeskParams } from '../../../shared/desk-api';
import { DeskCallError } from '../../../shared/desk-api';
import { setLogSink } from '../lib/log';
import { phoneCall } from '../testing/fakes';
import { CallReporter } from './call-reporter';

type Sent = DeskParams<'call.event'>;

/** A desk that records each report; `failures` says how many sends fail first. */
function recorder(failures = 0, code: 'hub-unreachable' | 'bad-request' = 'hub-unreachable') {
  const sent: Sent[] = [];
  const desk: Pick<DeskBridge, 'call'> = {
    call: (async (method: string, params: Sent) => {
      expect(method).toBe('call.event');
      sent.push(params);
      if (failures > 0) {
        failures--;
        throw new DeskCallError(code, 'hub down');
      }
      return {};
    }) as DeskBridge['call'],
  };
  return { sent, desk };
}

/** Lets the reports queued behind each call's earlier ones go out. */
const settled = () => new Promise((resolve) => setTimeout(resolve, 0));

let logs: string[];
beforeEach(() => {
  logs = [];
  setLogSink((level, _category, message) => logs.push(`${level} ${message}`));
});

describe('the call reporter of the phone host', () => {
  it('reports an answered inbound call once per step, with its queue and wait', async () => {
    const { sent, desk } = recorder();
    const reporter = new CallReporter(desk);
    const ringing = phoneCall();
    reporter.onPhoneEvent({ type: 'call', call: ringing });
    reporter.onPhoneEvent({ type: 'call', call: { ...ringing, phase: 'connecting' } });
    const active = { ...ringing, phase: 'active' as const, answeredAt: 1_001_000 };
    reporter.onPhoneEvent({ type: 'call', call: active });
    reporter.onPhoneEvent({ type: 'call', call: { ...active, held: true } });
    reporter.onPhoneEvent({
      type: 'call',
      call: { ...active, phase: 'ended', outcome: 'ended', endedAt: 1_002_000 },
    });
    reporter.onPhoneEvent({ type: 'registration', state: 'registered', detail: null });

    const base = {
      callId: 'c1',
      caller: '13800138000',
      direction: 'inbound',
      queue: 'general',
      otherLines: 0,
    };
    await settled();
    expect(sent).toEqual([
      { event: 'ringing', ...base, waitMs: 23_400 },
      { event: 'answered', ...base, waitMs: 23_400 },
      { event: 'ended', ...base, waitMs: 23_400 },
    ]);
  });

  it('reports a missed call, and a failed outbound call with its SIP status', async () => {
    const { sent, desk } = recorder();
    const reporter = new CallReporter(desk);
    reporter.onPhoneEvent({ type: 'call', call: phoneCall() });
    reporter.onPhoneEvent({
      type: 'call',
      call: phoneCall({ phase: 'ended', outcome: 'missed' }),
    });
    const out = phoneCall({ callId: 'o1', direction: 'outbound', remote: '110', queue: '' });
    reporter.onPhoneEvent({ type: 'call', call: { ...out, phase: 'dialing' } });
    reporter.onPhoneEvent({
      type: 'call',
      call: {
        ...out,
        phase: 'ended',
        outcome: 'failed',
        failure: { code: 'busy', status: 486, detail: 'Busy Here' },
      },
    });
    await settled();
    // In order per call; two calls' reports may interleave.
    expect(sent.filter((s) => s.callId === 'c1').map((s) => s.event)).toEqual([
      'ringing',
      'missed',
    ]);
    expect(sent.filter((s) => s.callId === 'o1').map((s) => s.event)).toEqual([
      'dialing',
      'failed',
    ]);
    expect(sent.find((s) => s.event === 'failed')).toEqual({
      event: 'failed',
      callId: 'o1',
      caller: '110',
      direction: 'outbound',
      status: 486,
      otherLines: 0,
    });
  });

  it('reports the steps a call already went through when it is first seen active', async () => {
    const { sent, desk } = recorder();
    const reporter = new CallReporter(desk);
    reporter.onPhoneEvent({
      type: 'call',
      call: phoneCall({ phase: 'active', answeredAt: 1_000_100 }),
    });
    await settled();
    expect(sent.map((s) => s.event)).toEqual(['ringing', 'answered']);
  });

  it('reports a transferred call as ended once, whatever its transfer went through', async () => {
    const { sent, desk } = recorder();
    const reporter = new CallReporter(desk);
    const active = phoneCall({ phase: 'active', answeredAt: 1_000_100 });
    const transfer = { kind: 'blind' as const, target: '1101', failure: null };
    const steps = [
      { ...active, transfer: { ...transfer, state: 'pending' as const } },
      { ...active, transfer: { ...transfer, state: 'accepted' as const } },
      {
        ...active,
        transfer: { ...transfer, state: 'accepted' as const },
        phase: 'ended' as const,
        outcome: 'ended' as const,
        endedAt: 1_002_000,
      },
    ];
    for (const call of steps) reporter.onPhoneEvent({ type: 'call', call });
    // The engine's snapshot replays the ended call after a desk reload: still once.
    reporter.onPhoneEvent({ type: 'call', call: steps[2]! });
    await settled();
    expect(sent.map((s) => s.event)).toEqual(['ringing', 'answered', 'ended']);
  });

  it('tells the core how many other lines the engine has with each report', async () => {
    const { sent, desk } = recorder();
    const reporter = new CallReporter(desk);
    const first = phoneCall({ phase: 'active', answeredAt: 1_000_100 });
    reporter.onPhoneEvent({ type: 'call', call: first });
    const consult = phoneCall({ callId: 'o2', direction: 'outbound', remote: '1101' });
    reporter.onPhoneEvent({ type: 'call', call: { ...consult, phase: 'dialing', queue: '' } });
    reporter.onPhoneEvent({ type: 'call', call: { ...first, phase: 'ended', outcome: 'ended' } });
    reporter.onPhoneEvent({
      type: 'call',
      call: { ...consult, phase: 'ended', outcome: 'ended', queue: '' },
    });
    await settled();
    const lines = (id: string) =>
      sent.filter((s) => s.callId === id).map((s) => `${s.event} ${s.otherLines}`);
    expect(lines('c1')).toEqual(['ringing 0', 'answered 0', 'ended 1']);
    expect(lines('o2')).toEqual(['dialing 1', 'ended 0']);
  });

  describe('when the seat host is briefly unreachable', () => {
    beforeEach(() => vi.useFakeTimers());
    afterEach(() => vi.useRealTimers());

    it("retries a failed report with backoff, keeping the call's reports in order", async () => {
      const { sent, desk } = recorder(2);
      const reporter = new CallReporter(desk, [100, 400]);
      const ringing = phoneCall();
      reporter.onPhoneEvent({ type: 'call', call: ringing });
      reporter.onPhoneEvent({
        type: 'call',
        call: { ...ringing, phase: 'ended', outcome: 'missed' },
      });
      await vi.advanceTimersByTimeAsync(0);
      expect(sent.map((s) => s.event)).toEqual(['ringing']);
      await vi.advanceTimersByTimeAsync(99);
      expect(sent.map((s) => s.event)).toEqual(['ringing']);
      await vi.advanceTimersByTimeAsync(1);
      expect(sent.map((s) => s.event)).toEqual(['ringing', 'ringing']);
      await vi.advanceTimersByTimeAsync(400);
      expect(sent.map((s) => s.event)).toEqual(['ringing', 'ringing', 'ringing', 'missed']);
      expect(logs.filter((l) => l.startsWith('warn'))).toEqual([]);
      expect(logs.at(-1)).toBe('info Reported ringing of call c1 from 138****8000 on attempt 3.');
    });

    it('gives up after the last retry and logs it with the masked number only', async () => {
      const { sent, desk } = recorder(10);
      new CallReporter(desk, [100, 400]).onPhoneEvent({ type: 'call', call: phoneCall() });
      await vi.advanceTimersByTimeAsync(10_000);
      expect(sent).toHaveLength(3);
      expect(logs.at(-1)).toBe(
        'warn Could not report ringing of call c1 from 138****8000: hub down ' +
          '(gave up after 3 attempts).',
      );
      expect(logs.join('\n')).not.toContain('13800138000');
    });

    it('does not resend a report the core refused as malformed', async () => {
      const { sent, desk } = recorder(10, 'bad-request');
      new CallReporter(desk, [100, 400]).onPhoneEvent({ type: 'call', call: phoneCall() });
      await vi.advanceTimersByTimeAsync(10_000);
      expect(sent).toHaveLength(1);
      expect(logs).toEqual([
        'warn Could not report ringing of call c1 from 138****8000: hub down ' +
          '(gave up after 1 attempt).',
      ]);
    });
  });
});
