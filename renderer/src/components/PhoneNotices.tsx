import { useEffect, useState } from 'react';
import { useT } from '../i18n/use-t';
import { formatPhone } from '../lib/format';
import type { RegistrationState } from '../phone/phone-types';
import { useDesk } from '../store/use-desk';

/** How long "reconnected" stays up after the phone is registered again. */
export const RESTORED_NOTICE_MS = 8000;

/**
 * What the agent must know about the phone across the desk: a microphone that is missing
 * or refused (no call can be taken), the link to the PBX lost and coming back, and a call
 * that did not get through.
 */
export function PhoneNotices() {
  return (
    <>
      <MicrophoneWarning />
      <PhoneLinkNotice />
      <CallFailureNotice />
    </>
  );
}

function MicrophoneWarning() {
  const { t } = useT();
  const microphone = useDesk((s) => s.microphone);
  const loadDevices = useDesk((s) => s.loadDevices);
  if (microphone !== 'missing' && microphone !== 'denied') return null;
  return (
    <div
      className="banner banner--bad"
      role="alert"
      data-testid="mic-warning"
      data-state={microphone}
    >
      {t(microphone === 'missing' ? 'mic.missing' : 'mic.denied')}
      <button
        type="button"
        className="btn btn--small"
        data-testid="mic-check"
        onClick={() => void loadDevices()}
      >
        {t('mic.check')}
      </button>
    </div>
  );
}

function CallFailureNotice() {
  const { t } = useT();
  const failure = useDesk((s) => s.callFailure);
  const dismiss = useDesk((s) => s.dismissCallFailure);
  if (!failure) return null;
  return (
    <div
      className="banner banner--warn"
      role="status"
      aria-live="polite"
      data-testid="call-failure-notice"
      data-code={failure.code}
      title={failure.detail}
    >
      <strong>{t('call.failedTitle')}</strong>
      {' · '}
      {formatPhone(failure.remote) || t('call.unknownNumber')}
      {' · '}
      {t(`sip.failure.${failure.code}`)}
      {failure.status ? ` (SIP ${failure.status})` : ''}
      {' · '}
      {t('call.stillUsable')}
      <button
        type="button"
        className="btn btn--small"
        data-testid="call-failure-dismiss"
        onClick={dismiss}
      >
        {t('call.dismiss')}
      </button>
    </div>
  );
}

/** What the desk says about the phone's link to the PBX (see nextPhoneLink). */
export interface PhoneLink {
  /** The phone has been registered since it started. */
  wasRegistered: boolean;
  notice: 'reconnecting' | 'restored' | null;
}

export const INITIAL_PHONE_LINK: PhoneLink = { wasRegistered: false, notice: null };

/**
 * The notice after a registration change. Only a phone that had been registered and lost
 * it says "reconnecting" (the first registration after sign-in says nothing), and only a
 * reconnect that ends registered again says "restored".
 *
 *   none ──registered, then lost──▶ reconnecting ──registered──▶ restored ──8 s──▶ none
 *   any ──idle (signed out)──▶ none
 */
export function nextPhoneLink(link: PhoneLink, registration: RegistrationState): PhoneLink {
  if (registration === 'idle') return INITIAL_PHONE_LINK;
  if (registration === 'registered') {
    const notice = link.notice === 'reconnecting' ? 'restored' : link.notice;
    return { wasRegistered: true, notice };
  }
  return link.wasRegistered ? { wasRegistered: true, notice: 'reconnecting' } : link;
}

/**
 * Which phone-link banner shows. While the link is being rebuilt (connecting,
 * registering) it is "reconnecting". A refused or lapsed registration (failed,
 * unregistered: the PBX is down) has its own banner (pbx-down) about new calls, so this
 * one shows only with a call up, to say that call is kept ("down"). Then "restored".
 */
export function phoneLinkBanner(
  link: PhoneLink,
  registration: RegistrationState,
  callLive: boolean,
): 'reconnecting' | 'down' | 'restored' | null {
  if (link.notice === 'reconnecting') {
    if (registration === 'connecting' || registration === 'registering') return 'reconnecting';
    if ((registration === 'failed' || registration === 'unregistered') && callLive) return 'down';
    return null;
  }
  return link.notice;
}

function PhoneLinkNotice() {
  const { t } = useT();
  const registration = useDesk((s) => s.registration);
  const detail = useDesk((s) => s.registrationDetail);
  const callLive = useDesk((s) => s.calls.some((c) => c.phase !== 'ended'));
  const [link, setLink] = useState(() => nextPhoneLink(INITIAL_PHONE_LINK, registration));
  // Follows each registration change during render (no effect: no extra render pass).
  const [seen, setSeen] = useState(registration);
  if (seen !== registration) {
    setSeen(registration);
    setLink(nextPhoneLink(link, registration));
  }
  useEffect(() => {
    if (link.notice !== 'restored') return;
    const timer = setTimeout(() => setLink((l) => ({ ...l, notice: null })), RESTORED_NOTICE_MS);
    return () => clearTimeout(timer);
  }, [link.notice]);

  const banner = phoneLinkBanner(link, registration, callLive);
  if (banner === 'down' || banner === 'reconnecting') {
    const text =
      banner === 'down'
        ? t('phoneLink.downCallKept')
        : t('phoneLink.reconnecting') + (callLive ? ` ${t('phoneLink.callKept')}` : '');
    return (
      <div
        className="banner banner--warn"
        role="status"
        aria-live="polite"
        data-testid="phone-link"
        data-state={banner}
        title={detail ?? ''}
      >
        {text}
      </div>
    );
  }
  if (banner !== 'restored') return null;
  return (
    <div
      className="banner banner--ok"
      role="status"
      aria-live="polite"
      data-testid="phone-link"
      data-state="restored"
    >
      {t('phoneLink.restored')}
      <button
        type="button"
        className="btn btn--small"
        data-testid="phone-link-dismiss"
        onClick={() => setLink((l) => ({ ...l, notice: null }))}
      >
        {t('phoneLink.dismiss')}
      </button>
    </div>
  );
}
