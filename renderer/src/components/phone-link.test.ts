import { describe, expect, it } from 'vitest';
import type { RegistrationState } from '../phone/phone-types';
import { INITIAL_PHONE_LINK, nextPhoneLink } from './PhoneNotices';

const walk = (...states: RegistrationState[]) => {
  let link = INITIAL_PHONE_LINK;
  return states.map((state) => (link = nextPhoneLink(link, state)).notice);
};

describe('the phone link notice', () => {
  it('says nothing while the phone registers for the first time', () => {
    expect(walk('connecting', 'registering', 'failed', 'connecting', 'registered')).toEqual([
      null,
      null,
      null,
      null,
      null,
    ]);
  });

  it('says reconnecting once a registered phone loses the PBX, and restored when it is back', () => {
    expect(
      walk('connecting', 'registered', 'connecting', 'failed', 'registering', 'registered'),
    ).toEqual([null, null, 'reconnecting', 'reconnecting', 'reconnecting', 'restored']);
  });

  it('forgets it all when the phone stops (sign-out)', () => {
    expect(walk('registered', 'connecting', 'idle', 'connecting', 'registered')).toEqual([
      null,
      'reconnecting',
      null,
      null,
      null,
    ]);
  });
});
