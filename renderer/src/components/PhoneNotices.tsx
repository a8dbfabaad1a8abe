import { useT } from '../i18n/use-t';
import { formatPhone } from '../lib/format';
import { useDesk } from '../store/use-desk';

/**
 * What the agent must know about the phone across the desk: a microphone that is missing
 * or refused (no call can be taken), and a call that did not get through.
 */
export function PhoneNotices() {
  return (
    <>
      <MicrophoneWarning />
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
