import { describe, expect, it } from 'vitest';
import { offerFromInvite, sipIdentity } from './invite-info';

const invite = (headers: Record<string, string>) => ({
  callId: 'a84b4c76e66710@pbx',
  getHeader: (name: string) => headers[name],
});

describe('offerFromInvite', () => {
  it('takes the caller from From and the queue and wait from the hub headers', () => {
    const offer = offerFromInvite(
      invite({ 'X-Hotline-Queue': 'general', 'X-Hotline-Wait-Ms': '12400' }),
      '13800138000',
    );
    expect(offer).toEqual({
      callId: 'a84b4c76e66710@pbx',
      caller: '13800138000',
      queue: 'general',
      waitMs: 12400,
    });
  });

  it('gives neutral values for a direct call and for odd headers', () => {
    expect(offerFromInvite(invite({}), undefined)).toMatchObject({
      caller: '',
      queue: '',
      waitMs: 0,
    });
    expect(offerFromInvite(invite({ 'X-Hotline-Wait-Ms': 'soon' }), 'x').waitMs).toBe(0);
    expect(offerFromInvite(invite({ 'X-Hotline-Wait-Ms': '-5' }), 'x').waitMs).toBe(0);
  });

  it('unescapes the From user', () => {
    expect(offerFromInvite(invite({}), '%2B8613800138000').caller).toBe('+8613800138000');
    expect(offerFromInvite(invite({}), '%E0%A4%A').caller).toBe('%E0%A4%A');
  });
});

describe('sipIdentity', () => {
  it('uses the extension as both address and user name', () => {
    expect(sipIdentity({ user: '1001' })).toEqual({ aorUser: '1001', authUser: '1001' });
  });

  it('keeps ephemeral user names for digest and the extension for the address', () => {
    expect(sipIdentity({ user: '1767225600:1001' })).toEqual({
      aorUser: '1001',
      authUser: '1767225600:1001',
    });
  });
});
