import { useT } from '../i18n/use-t';
import { formatPhone } from '../lib/format';
import type { PhoneCall } from '../phone/phone-types';
import { currentLine } from '../store/phone-lines';
import { callOnCard } from '../store/phone-slice';
import { useDesk } from '../store/use-desk';
import { CallbacksPanel } from './CallbacksPanel';
import { callAnnouncement, CallCard } from './CallCard';
import { DialPad } from './DialPad';
import { PhoneGlyph } from './PhoneGlyph';
import { RecentCalls } from './RecentCalls';

/** Left column: the current line and the others, the dial pad, callbacks, recent calls. */
export function PhonePanel() {
  const { t } = useT();
  const call = useDesk(callOnCard);
  const extension = useDesk((s) => s.session?.agent.extension ?? '');

  return (
    <aside className="column column--phone">
      <section className="panel panel--call" aria-label={t('phone.title')}>
        <header className="panel__head">
          <h2>{t('phone.title')}</h2>
          <span className="panel__meta">{t('phone.extension', { ext: extension })}</span>
        </header>
        {call ? <CallCard call={call} /> : <IdlePhone />}
        <OtherLines />
      </section>
      <DialPad />
      <CallbacksPanel />
      <RecentCalls />
    </aside>
  );
}

function IdlePhone() {
  const { t } = useT();
  const registration = useDesk((s) => s.registration);
  return (
    <div className="call call--idle" data-testid="call-state" data-state="idle">
      <div className="call__idle-icon" aria-hidden>
        <PhoneGlyph />
      </div>
      <p className="call__idle-title">{t('phone.idle')}</p>
      <p className="call__idle-hint">
        {registration === 'registered' ? t('phone.idleHint') : t('phone.notRegisteredHint')}
      </p>
    </div>
  );
}

/** The lines besides the current one (a consult call, a held caller), to switch to. */
function OtherLines() {
  const { t } = useT();
  const calls = useDesk((s) => s.calls);
  const focused = useDesk((s) => s.focusedCallId);
  const switchLine = useDesk((s) => s.switchLine);
  const current = currentLine(calls, focused);
  const others = calls.filter((c) => c.callId !== current?.callId);
  if (others.length === 0) return null;

  return (
    <ul className="lines" aria-label={t('call.lines')} data-testid="other-lines">
      {others.map((call: PhoneCall) => (
        <li
          key={call.callId}
          className={`lines__row lines__row--${call.phase}`}
          data-testid="call-line"
          data-call-id={call.callId}
          data-state={call.phase}
          data-held={String(call.held)}
        >
          <span className="lines__what">{callAnnouncement(t, call)}</span>
          {call.held && <span className="pill pill--flag">{t('call.held')}</span>}
          <button
            type="button"
            className="btn btn--small"
            data-testid="line-switch"
            onClick={() => void switchLine(call.callId)}
          >
            {t('call.switchTo', { number: formatPhone(call.remote) || t('call.unknownNumber') })}
          </button>
        </li>
      ))}
    </ul>
  );
}
