import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { CallReporter, type CallEvent } from './call-reporter.js';

const quiet = pino({ level: 'silent' });
const event = (e: Partial<CallEvent> & Pick<CallEvent, 'event' | 'callId'>): CallEvent => ({
  caller: '13800138000',
  ...e,
});

describe('CallReporter', () => {
  it('maps one routed inbound call to ringing, on-call and wrap-up', () => {
    const reporter = new CallReporter(quiet);
    reporter.noteOffered('c1');
    expect(reporter.report(event({ event: 'ringing', callId: 'c1' }))).toBe('ringing');
    expect(reporter.report(event({ event: 'answered', callId: 'c1' }))).toBe('on-call');
    expect(reporter.report(event({ event: 'ended', callId: 'c1' }))).toBe('wrap-up');
  });

  it('leaves a missed routed call to the ACD', () => {
    const reporter = new CallReporter(quiet);
    reporter.noteOffered('c1');
    reporter.report(event({ event: 'ringing', callId: 'c1' }));
    expect(reporter.report(event({ event: 'missed', callId: 'c1' }))).toBeNull();
  });

  it('does not send wrap-up while the other line still talks (consult call)', () => {
    const reporter = new CallReporter(quiet);
    reporter.noteOffered('citizen');
    reporter.report(event({ event: 'ringing', callId: 'citizen' }));
    reporter.report(event({ event: 'answered', callId: 'citizen' }));
    const consult = { callId: 'consult', caller: '1101', direction: 'outbound' as const };
    expect(reporter.report({ ...consult, event: 'dialing', otherLines: 1 })).toBe('on-call');
    expect(reporter.report({ ...consult, event: 'answered', otherLines: 1 })).toBe('on-call');
    // The specialist is dropped: the citizen is still on the line.
    expect(reporter.report({ ...consult, event: 'ended', otherLines: 1 })).toBeNull();
    expect(reporter.report(event({ event: 'ended', callId: 'citizen', otherLines: 0 }))).toBe(
      'wrap-up',
    );
  });

  it('after an attended transfer, the last line to end decides', () => {
    const reporter = new CallReporter(quiet);
    reporter.noteOffered('citizen');
    reporter.report(event({ event: 'ringing', callId: 'citizen' }));
    reporter.report(event({ event: 'answered', callId: 'citizen' }));
    const consult = { callId: 'consult', caller: '1101', direction: 'outbound' as const };
    reporter.report({ ...consult, event: 'dialing', otherLines: 1 });
    reporter.report({ ...consult, event: 'answered', otherLines: 1 });
    expect(reporter.report(event({ event: 'ended', callId: 'citizen', otherLines: 1 }))).toBeNull();
    expect(reporter.report({ ...consult, event: 'ended', otherLines: 0 })).toBe('wrap-up');
  });

  it('a line left over from before an engine reload never blocks the state', () => {
    const reporter = new CallReporter(quiet);
    // The engine page reloads while this call talks: its end is never reported.
    reporter.noteOffered('lost');
    reporter.report(event({ event: 'ringing', callId: 'lost' }));
    reporter.report(event({ event: 'answered', callId: 'lost' }));
    // The reloaded engine has one line only; each over event says so.
    reporter.noteOffered('c2');
    reporter.report(event({ event: 'ringing', callId: 'c2', otherLines: 0 }));
    reporter.report(event({ event: 'answered', callId: 'c2', otherLines: 0 }));
    expect(reporter.report(event({ event: 'ended', callId: 'c2', otherLines: 0 }))).toBe('wrap-up');
    const out = { callId: 'o2', caller: '13800138000', direction: 'outbound' as const };
    reporter.report({ ...out, event: 'dialing', otherLines: 0 });
    expect(reporter.report({ ...out, event: 'failed', status: 486, otherLines: 0 })).toBe('ready');
  });

  it('puts the agent back after an outbound call that never got through', () => {
    const reporter = new CallReporter(quiet);
    const call = { callId: 'o1', caller: '13800138000', direction: 'outbound' as const };
    expect(reporter.report({ ...call, event: 'dialing' })).toBe('on-call');
    expect(reporter.report({ ...call, event: 'failed', status: 486 })).toBe('ready');
  });
});
