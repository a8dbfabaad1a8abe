import { useT } from '../i18n/use-t';
import { formatPhone } from '../lib/format';
import type { PhoneCall } from '../phone/phone-types';
import { consultPair } from '../store/transfer-lines';
import { useDesk } from '../store/use-desk';
import { TransferErrorLine } from './TransferDialog';

/**
 * The consult call of the card's line and what can follow it: complete the transfer, a
 * three-way call, back to the caller; in a three-way call, drop the specialist or split.
 * Read from the lines, so a reloaded desk shows it again.
 */
export function ConsultBar({ call }: { call: PhoneCall }) {
  const { t } = useT();
  const calls = useDesk((s) => s.calls);
  const busy = useDesk((s) => s.transferBusy);
  const complete = useDesk((s) => s.completeConsult);
  const conference = useDesk((s) => s.conferenceConsult);
  const back = useDesk((s) => s.backToCaller);
  const drop = useDesk((s) => s.dropSpecialist);
  const split = useDesk((s) => s.splitConference);
  const pair = consultPair(calls, call);
  if (!pair) return null;

  const { citizen, consult, conferenced } = pair;
  const answered = consult.phase === 'active';
  const names = {
    number: formatPhone(consult.remote) || t('call.unknownNumber'),
    caller: formatPhone(citizen.remote) || t('call.unknownNumber'),
  };
  const what = conferenced
    ? t('consult.conferenced', names)
    : answered
      ? t('consult.with', names)
      : t('consult.waiting', names);
  const button = (id: string, text: string, run: () => Promise<boolean>, primary = false) => (
    <button
      type="button"
      className={`btn btn--small${primary ? ' btn--primary' : ''}`}
      data-testid={id}
      disabled={busy}
      onClick={() => void run()}
    >
      {text}
    </button>
  );

  return (
    <div
      className="consult"
      role="group"
      aria-label={t('consult.title')}
      data-testid="consult-bar"
      data-state={conferenced ? 'three-way' : answered ? 'consulting' : 'dialing'}
      data-citizen-call={citizen.callId}
      data-consult-call={consult.callId}
    >
      <p className="consult__what">{what}</p>
      <div className="consult__actions">
        {conferenced ? (
          <>
            {button('consult-leave', t('consult.leave'), complete, true)}
            {button('consult-drop', t('consult.drop'), drop)}
            {button('consult-split', t('consult.split'), split)}
          </>
        ) : (
          <>
            {answered && button('consult-complete', t('consult.complete'), complete, true)}
            {answered && button('consult-conference', t('consult.conference'), conference)}
            {button('consult-back', t('consult.back'), back)}
          </>
        )}
      </div>
      <TransferErrorLine />
    </div>
  );
}

/** How a transfer of the call asked by this seat is going (PhoneCall.transfer). */
export function TransferStatus({ call }: { call: PhoneCall }) {
  const { t } = useT();
  const transfer = call.transfer;
  if (!transfer) return null;
  const target = formatPhone(transfer.target) || transfer.target;
  const text =
    transfer.state === 'pending'
      ? t('transfer.state.pending', { target })
      : transfer.state === 'accepted'
        ? t('transfer.state.accepted', { target })
        : // Only a call that is still up is "still here"; a lost dialog ended it.
          t(call.phase === 'ended' ? 'transfer.state.failedGone' : 'transfer.state.failed', {
            target,
            reason: t(`sip.failure.${transfer.failure?.code ?? 'other'}`),
          });
  return (
    <p
      className={`notice notice--${transfer.state === 'failed' ? 'error' : 'info'}`}
      role={transfer.state === 'failed' ? 'alert' : 'status'}
      data-testid="transfer-status"
      data-state={transfer.state}
      data-kind={transfer.kind}
      title={transfer.failure?.detail ?? ''}
    >
      {text}
      {transfer.failure?.status ? (
        <span className="mono"> (SIP {transfer.failure.status})</span>
      ) : null}
    </p>
  );
}
