import { describe, expect, it } from 'vitest';
import { checkDialTarget, checkDtmfDigits } from './phone-input';
import { failureFromError, sipFailure } from './sip-failure';

describe('sipFailure', () => {
  it.each([
    [486, 'busy'],
    [600, 'busy'],
    [603, 'declined'],
    [404, 'not-found'],
    [484, 'not-found'],
    [604, 'not-found'],
    [480, 'unavailable'],
    [503, 'unavailable'],
    [408, 'timeout'],
    [488, 'not-acceptable'],
    [606, 'not-acceptable'],
    [500, 'other'],
  ])('maps %i to %s', (status, code) => {
    expect(sipFailure(status, `${status} x`)).toEqual({ code, status, detail: `${status} x` });
  });

  it('maps getUserMedia errors to no-microphone and transport errors to network', () => {
    const refused = Object.assign(new Error('Permission denied'), { name: 'NotAllowedError' });
    const none = Object.assign(new Error('Requested device not found'), { name: 'NotFoundError' });
    expect(failureFromError(refused).code).toBe('no-microphone');
    expect(failureFromError(none).code).toBe('no-microphone');
    expect(failureFromError(new Error('WebSocket not connected')).code).toBe('network');
    expect(failureFromError('odd').code).toBe('other');
  });
});

describe('phone input', () => {
  it('takes DTMF 0-9 * # A-D, 1 to 32, and names bad input', () => {
    expect(checkDtmfDigits('123*#abcd')).toBe('123*#ABCD');
    expect(() => checkDtmfDigits('')).toThrow(/1 to 32/);
    expect(() => checkDtmfDigits('1E')).toThrow(/"1E"/);
    expect(() => checkDtmfDigits('1'.repeat(33))).toThrow(/1 to 32/);
  });

  it('takes 2-20 digits with an optional +, dropping spaces and dashes', () => {
    expect(checkDialTarget('010-1234 5678')).toBe('01012345678');
    expect(checkDialTarget('+8613800138000')).toBe('+8613800138000');
    expect(() => checkDialTarget('1')).toThrow(/2 to 20 digits/);
    expect(() => checkDialTarget('12ab')).toThrow(/"12ab"/);
    expect(() => checkDialTarget('1'.repeat(21))).toThrow(/2 to 20/);
  });
});
