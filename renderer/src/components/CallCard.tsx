import type { ReactNode } from 'react';
import { queueName } from '../i18n/labels';
import type { MessageKey } from '../i18n/messages';
import type { Translate } from '../i18n/translate';
import { useT } from '../i18n/use-t';
import { formatDuration, formatPhone, waitSeconds } from '../lib/format';
import { shortcutKeys } from '../lib/shortcuts';
import { useNow } from '../lib/use-now';
import type { CallOutcome, CallPhase, PhoneCall, SipFailureCode } from '../phone/phone-types';
import { consultPair } from '../store/transfer-lines';
import { useDesk } from '../store/use-desk';
import { ConsultBar, TransferStatus } from './ConsultBar';
import { HandoverLine } from './TransferDialog';
import { PhoneGlyph } from './PhoneGlyph';

const PHASE_KEYS = {
  ringing: 'call.state.ringing',
  dialing: 'call.state.dialing',
  connecting: 'call.state.connecting',
  active: 'call.state.active',
  ended: 'call.state.ended',
} as const satisfies Record<CallPhase, MessageKey>;

/** The state and the number, for the live region and the line list. */
export function callAnnouncement(t: Translate, call: PhoneCall): string {
  const number = call.remote ? formatPhone(call.remote) : t('call.unknownNumber');
  return t('call.announce', { state: t(PHASE_KEYS[call.phase]), number });
}

/**
 * The outcome the desk shows: an outbound call the agent hung up before the answer is
 * `cancelled` (calm, not an error), though the engine reports it as never got through.
 */
export function shownOutcome(
  outcome: CallOutcome,
  failure: SipFailureCode | null | undefined,
): CallOutcome | 'cancelled' {
  return failure === 'cancelled' ? 'cancelled' : outcome;
}

/** Why a call did not get through, in the UI language; null when it did or was cancelled. */
export function failureText(t: Translate, call: PhoneCall): string | null {
  if (call.failure?.code === 'cancelled') return null;
  if (call.failure) return t(`sip.failure.${call.failure.code}`);
  return call.outcome === 'failed' ? t('call.failedHint') : null;
}

/** The current line: who, how long, what state, and the controls that apply now. */
export function CallCard({ call }: { call: PhoneCall }) {
  const { t } = useT();
  const now = useNow();
  const live = call.phase !== 'ended';
  const timerFrom = call.answeredAt ?? call.startedAt;
  const timerTo = call.endedAt ?? now;
  const timerLabel = call.answeredAt
    ? t('call.talkTime')
    : call.direction === 'outbound'
      ? t('call.dialTime')
      : t('call.ringTime');
  const failure = failureText(t, call);
  const outcome = call.outcome && shownOutcome(call.outcome, call.failure?.code);

  return (
    <div
      className={`call call--${call.phase}${call.held ? ' call--held' : ''}`}
      data-testid="call-state"
      data-state={call.phase}
      data-call-id={call.callId}
      data-direction={call.direction}
    >
      <p className="sr-only" role="status" aria-live="polite">
        {callAnnouncement(t, call)}
      </p>
      <div className="call__status">
        <span className={`pill pill--${call.phase}`}>{t(PHASE_KEYS[call.phase])}</span>
        <span className="pill pill--direction">{t(`call.direction.${call.direction}`)}</span>
        {call.held && <Flag id="call-held-flag" text={t('call.held')} />}
        {call.remoteHeld && <Flag id="call-remote-held" text={t('call.remoteHeld')} />}
        {call.muted && <Flag id="call-muted-flag" text={t('call.muted')} />}
        {call.video && <Flag id="call-video" text={t('call.video')} />}
        {call.contextCallId && <Flag id="call-consult-flag" text={t('call.consultFlag')} />}
        {call.conferencedWith && <Flag id="call-conference-flag" text={t('call.conferenceFlag')} />}
        {outcome && outcome !== 'ended' && (
          <span className={`pill pill--outcome-${outcome}`} data-testid="call-outcome">
            {t(`call.outcome.${outcome}`)}
          </span>
        )}
      </div>
      <div className="call__number mono" data-testid="call-number" data-number={call.remote}>
        {call.remote ? formatPhone(call.remote) : t('call.unknownNumber')}
      </div>
      <dl className="call__facts">
        {call.direction === 'inbound' && (
          <>
            <Fact label={t('call.queue')} id="call-queue">
              {call.queue ? queueName(t, call.queue) : t('call.direct')}
            </Fact>
            <Fact label={t('call.wait')} id="call-wait">
              {t('time.seconds', { s: waitSeconds(call.waitMs) })}
            </Fact>
          </>
        )}
        <Fact label={timerLabel} id="call-timer" mono>
          {formatDuration(timerTo - timerFrom)}
        </Fact>
      </dl>
      {failure && (
        <div
          className="call__failure"
          role="alert"
          data-testid="call-failure"
          data-code={call.failure?.code ?? 'other'}
          title={call.failure?.detail ?? ''}
        >
          <strong>{failure}</strong>
          {call.failure?.status ? <span className="mono"> (SIP {call.failure.status})</span> : null}
          <span className="call__failure-hint">{t('call.stillUsable')}</span>
        </div>
      )}
      {outcome === 'cancelled' && (
        <p className="call__after" role="status" data-testid="call-cancelled">
          {t('call.cancelledHint')}
        </p>
      )}
      <TransferStatus call={call} />
      <HandoverLine
        callId={call.contextCallId ?? call.callId}
        testId="call-handover-status"
        failedOnly
      />
      <PhoneErrorLine />
      {live && <ConsultBar call={call} />}
      {live ? <CallControls call={call} /> : <p className="call__after">{t('call.afterHint')}</p>}
    </div>
  );
}

function CallControls({ call }: { call: PhoneCall }) {
  const { t } = useT();
  const answer = useDesk((s) => s.answer);
  const hangup = useDesk((s) => s.hangup);
  const toggleHold = useDesk((s) => s.toggleHold);
  const toggleMute = useDesk((s) => s.toggleMute);
  const openTransfer = useDesk((s) => s.openTransfer);
  const holdPending = useDesk((s) => call.callId in s.holdPending);
  const inConsult = useDesk((s) => consultPair(s.calls, call) !== null);
  const transferring = call.transfer?.state === 'pending';
  const active = call.phase === 'active';
  const hangupText =
    call.phase === 'ringing'
      ? t('call.decline')
      : call.phase === 'dialing'
        ? t('call.cancel')
        : t('call.hangup');

  return (
    <div className="call__actions" role="group" aria-label={t('phone.title')}>
      {call.phase === 'ringing' && call.direction === 'inbound' && (
        <button
          type="button"
          className="btn btn--answer"
          data-testid="answer"
          aria-keyshortcuts={shortcutKeys('answer')}
          title={shortcutKeys('answer')}
          onClick={() => void answer(call.callId)}
        >
          <PhoneGlyph />
          {t('call.answer')}
        </button>
      )}
      {call.phase === 'connecting' && (
        <button type="button" className="btn btn--answer" data-testid="answer" disabled>
          {t('call.connecting')}
        </button>
      )}
      {active && (
        <>
          <button
            type="button"
            className={`btn btn--toggle${call.held ? ' is-on' : ''}`}
            data-testid="call-hold"
            data-held={String(call.held)}
            data-pending={holdPending ? 'true' : undefined}
            aria-pressed={call.held}
            aria-busy={holdPending ? true : undefined}
            disabled={holdPending}
            aria-keyshortcuts={shortcutKeys('hold')}
            title={shortcutKeys('hold')}
            onClick={() => void toggleHold(call.callId)}
          >
            {call.held ? t('call.resume') : t('call.hold')}
          </button>
          <button
            type="button"
            className={`btn btn--toggle${call.muted ? ' is-on' : ''}`}
            data-testid="call-mute"
            data-muted={String(call.muted)}
            aria-pressed={call.muted}
            aria-keyshortcuts={shortcutKeys('mute')}
            title={shortcutKeys('mute')}
            onClick={() => void toggleMute(call.callId)}
          >
            {call.muted ? t('call.unmute') : t('call.mute')}
          </button>
          <button
            type="button"
            className="btn btn--toggle"
            data-testid="call-transfer"
            aria-haspopup="dialog"
            aria-keyshortcuts={shortcutKeys('transfer')}
            title={shortcutKeys('transfer')}
            disabled={inConsult || transferring}
            onClick={() => openTransfer(call.callId)}
          >
            {t('call.transfer')}
          </button>
        </>
      )}
      <button
        type="button"
        className="btn btn--hangup"
        data-testid="hangup"
        aria-keyshortcuts={shortcutKeys('hangup')}
        title={shortcutKeys('hangup')}
        onClick={() => void hangup(call.callId)}
      >
        <PhoneGlyph down />
        {hangupText}
      </button>
    </div>
  );
}

/** A phone command the engine refused, with its English detail in the tooltip. */
export function PhoneErrorLine() {
  const { t } = useT();
  const error = useDesk((s) => s.phoneError);
  if (!error) return null;
  return (
    <p
      className="call__error"
      role="alert"
      data-testid="phone-error"
      data-action={error.action}
      title={error.detail}
    >
      {t(`phone.error.${error.action}`)}
    </p>
  );
}

function Flag({ id, text }: { id: string; text: string }) {
  return (
    <span className="pill pill--flag" data-testid={id}>
      {text}
    </span>
  );
}

function Fact(props: { label: string; id: string; mono?: boolean; children: ReactNode }) {
  return (
    <div>
      <dt>{props.label}</dt>
      <dd className={props.mono ? 'mono' : undefined} data-testid={props.id}>
        {props.children}
      </dd>
    </div>
  );
}
