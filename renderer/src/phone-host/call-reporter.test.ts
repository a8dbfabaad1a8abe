import { beforeEach, describe, expect, it } from 'vitest';
import type { DeskBridge, DeskParams } from '../../../shared/desk-api';
import { DeskCallError } from '../../../shared/desk-api';
import { setLogSink } from '../lib/log';
import { phoneCall } from '../testing/fakes';
import { CallReporter } from './call-reporter';

type Sent = DeskParams<'call.event'>;

function recorder(fail = false) {
  const sent: Sent[] = [];
  const desk: Pick<DeskBridge, 'call'> = {
    call: (async (method: string, params: Sent) => {
      expect(method).toBe('call.event');
      sent.push(params);
      if (fail) throw new DeskCallError('hub-unreachable', 'hub down');
      return {};
    }) as DeskBridge['call'],
  };
  return { sent, desk };
}

let logs: string[];
beforeEach(() => {
  logs = [];
  setLogSink((level, _category, message) => logs.push(`${level} ${message}`));
});

describe('the call reporter of the phone host', () => {
  it('reports an answered inbound call once per step, with its queue and wait', () => {
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

    const base = { callId: 'c1', caller: '13800138000', direction: 'inbound', queue: 'general' };
    expect(sent).toEqual([
      { event: 'ringing', ...base, waitMs: 23_400 },
      { event: 'answered', ...base, waitMs: 23_400 },
      { event: 'ended', ...base, waitMs: 23_400 },
    ]);
  });

  it('reports a missed call, and a failed outbound call with its SIP status', () => {
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
    expect(sent.map((s) => `${s.callId} ${s.event}`)).toEqual([
      'c1 ringing',
      'c1 missed',
      'o1 dialing',
      'o1 failed',
    ]);
    expect(sent[3]).toEqual({
      event: 'failed',
      callId: 'o1',
      caller: '110',
      direction: 'outbound',
      status: 486,
    });
  });

  it('reports the steps a call already went through when it is first seen active', () => {
    const { sent, desk } = recorder();
    const reporter = new CallReporter(desk);
    reporter.onPhoneEvent({
      type: 'call',
      call: phoneCall({ phase: 'active', answeredAt: 1_000_100 }),
    });
    expect(sent.map((s) => s.event)).toEqual(['ringing', 'answered']);
  });

  it('reports a transferred call as ended once, whatever its transfer went through', () => {
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
    expect(sent.map((s) => s.event)).toEqual(['ringing', 'answered', 'ended']);
  });

  it('logs a report the core refused with the masked number only', async () => {
    const { desk } = recorder(true);
    new CallReporter(desk).onPhoneEvent({ type: 'call', call: phoneCall() });
    await new Promise((r) => setTimeout(r, 0));
    expect(logs).toEqual(['warn Could not report ringing of call c1 from 138****8000: hub down.']);
  });
});
