import { describe, expect, it } from 'vitest';
import type { RegistrationState } from '../phone/phone-types';
import { INITIAL_PHONE_LINK, nextPhoneLink, phoneLinkBanner } from './PhoneNotices';

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

describe('the phone link banner while the PBX is down', () => {
  // A registered phone that lost the PBX and then failed to register again.
  const reconnectingLink = nextPhoneLink(
    nextPhoneLink(nextPhoneLink(INITIAL_PHONE_LINK, 'registered'), 'connecting'),
    'failed',
  );

  it('tells the agent a live call is kept while the registration has failed', () => {
    expect(phoneLinkBanner(reconnectingLink, 'failed', true)).toBe('down');
    expect(phoneLinkBanner(reconnectingLink, 'unregistered', true)).toBe('down');
  });

  it('leaves a failed registration without a call to the pbx-down banner', () => {
    expect(phoneLinkBanner(reconnectingLink, 'failed', false)).toBeNull();
  });

  it('says reconnecting while the link is rebuilt, with or without a call', () => {
    expect(phoneLinkBanner(reconnectingLink, 'connecting', true)).toBe('reconnecting');
    expect(phoneLinkBanner(reconnectingLink, 'registering', false)).toBe('reconnecting');
    expect(phoneLinkBanner(INITIAL_PHONE_LINK, 'failed', true)).toBeNull();
  });
});
