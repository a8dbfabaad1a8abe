import { useT } from '../i18n/use-t';
import { formatPhone } from '../lib/format';
import {
  PSYCH_CARE_HOTLINE,
  SIGN_LANGUAGE_LINE,
  SPECIALIST_LINES,
  transferTarget,
  type TransferChoice,
} from '../lib/transfer-targets';
import { errorText } from '../i18n/translate';
import { NOTES_MAX_CHARS } from '../store/transfer-slice';
import { useDesk } from '../store/use-desk';
import { Overlay } from './Overlay';

/**
 * Passes the answered call on: to a specialist line, the outside psychological care
 * hotline, a seat's extension or any number; with notes that travel with the order draft
 * to the other side's pop. Blind (REFER at once) or consult first (the caller is held).
 */
export function TransferDialog() {
  const { t } = useT();
  const call = useDesk((s) => s.calls.find((c) => c.callId === s.transferCallId) ?? null);
  const form = useDesk((s) => s.transferForm);
  const invalid = useDesk((s) => s.transferTargetInvalid);
  const busy = useDesk((s) => s.transferBusy);
  const setForm = useDesk((s) => s.setTransferForm);
  const blind = useDesk((s) => s.blindTransfer);
  const consult = useDesk((s) => s.startConsult);
  const close = useDesk((s) => s.closeTransfer);
  const target = transferTarget(form.choice, form.typed);
  const typing = form.choice === 'extension' || form.choice === 'number';
  const usable = call !== null && call.phase === 'active';

  const choice = (value: TransferChoice, label: string, number: string | null) => (
    <label className="transfer__choice" key={value}>
      <input
        type="radio"
        name="transfer-target"
        value={value}
        data-testid="transfer-choice"
        data-choice={value}
        checked={form.choice === value}
        onChange={() => setForm({ choice: value })}
      />
      <span>{label}</span>
      {number && <span className="mono transfer__number">{number}</span>}
    </label>
  );

  return (
    <Overlay title={t('transfer.title')} testId="transfer-dialog">
      <form
        className="transfer"
        data-call-id={call?.callId ?? ''}
        onSubmit={(e) => {
          e.preventDefault();
          void consult();
        }}
      >
        {call && (
          <p className="transfer__for">
            {t('transfer.for', { number: formatPhone(call.remote) || t('call.unknownNumber') })}
          </p>
        )}
        {!call && (
          <p className="notice notice--error" role="alert" data-testid="transfer-call-ended">
            {t('transfer.callEnded')}
          </p>
        )}
        <fieldset className="transfer__targets">
          <legend className="field__label">{t('transfer.target')}</legend>
          {SPECIALIST_LINES.map((line) =>
            choice(line.queue, t(`transfer.line.${line.queue}`), line.number),
          )}
          {choice('care-hotline', t('transfer.careHotline'), PSYCH_CARE_HOTLINE)}
          {choice('extension', t('transfer.extension'), null)}
          {choice('number', t('transfer.number'), null)}
          {typing && (
            <input
              className="input mono"
              inputMode="tel"
              data-testid="transfer-typed"
              aria-label={t(form.choice === 'extension' ? 'transfer.extension' : 'transfer.number')}
              aria-invalid={invalid ? true : undefined}
              placeholder={t(
                form.choice === 'extension'
                  ? 'transfer.extensionPlaceholder'
                  : 'transfer.numberPlaceholder',
              )}
              value={form.typed}
              onChange={(e) => setForm({ typed: e.target.value })}
            />
          )}
        </fieldset>
        {invalid && (
          <p className="field__error" role="alert" data-testid="transfer-target-invalid">
            {t('transfer.targetInvalid')}
          </p>
        )}
        {target === SIGN_LANGUAGE_LINE && (
          <label className="transfer__video">
            <input
              type="checkbox"
              data-testid="transfer-video"
              checked={form.video}
              onChange={(e) => setForm({ video: e.target.checked })}
            />
            {t('transfer.video')}
          </label>
        )}
        <label className="field">
          <span className="field__label">{t('transfer.notes')}</span>
          <textarea
            data-testid="transfer-notes"
            rows={3}
            maxLength={NOTES_MAX_CHARS}
            value={form.notes}
            onChange={(e) => setForm({ notes: e.target.value })}
          />
          <span className="field__hint">{t('transfer.notesHint')}</span>
        </label>
        {call && <HandoverLine callId={call.callId} testId="handover-status" />}
        <TransferErrorLine />
        <div className="transfer__actions">
          <button
            type="button"
            className="btn"
            data-testid="transfer-blind"
            disabled={!usable || busy}
            title={t('transfer.blindHint')}
            onClick={() => void blind()}
          >
            {t('transfer.blind')}
          </button>
          <button
            type="submit"
            className="btn btn--primary"
            data-testid="transfer-consult"
            disabled={!usable || busy}
            title={t('transfer.consultHint')}
          >
            {t('transfer.consult')}
          </button>
          <button type="button" className="btn" data-testid="transfer-cancel" onClick={close}>
            {t('transfer.cancel')}
          </button>
        </div>
      </form>
    </Overlay>
  );
}

/**
 * Whether the draft and notes of the call reached the hub; a failure does not stop the
 * transfer. `failedOnly`: the call card says only what went wrong, once the dialog closed.
 */
export function HandoverLine(props: { callId: string; testId: string; failedOnly?: boolean }) {
  const { t } = useT();
  const send = useDesk((s) => s.handoverSend);
  if (send?.callId !== props.callId) return null;
  if (props.failedOnly && send.state !== 'failed') return null;
  const text =
    send.state === 'sending'
      ? t('handover.sending')
      : send.state === 'sent'
        ? t('handover.sent', { target: send.target })
        : t('handover.failed', { error: send.error ? errorText(t, send.error) : '' });
  return (
    <p
      className={`notice notice--${send.state === 'failed' ? 'warn' : 'info'}`}
      role={send.state === 'failed' ? 'alert' : 'status'}
      data-testid={props.testId}
      data-state={send.state}
      title={send.error?.message ?? ''}
    >
      {text}
    </p>
  );
}

/** A transfer step the phone refused, with the engine's detail in the tooltip. */
export function TransferErrorLine() {
  const { t } = useT();
  const error = useDesk((s) => s.transferError);
  if (!error) return null;
  return (
    <p
      className="call__error"
      role="alert"
      data-testid="transfer-error"
      data-action={error.action}
      title={error.detail}
    >
      {t(`transfer.error.${error.action}`)}
    </p>
  );
}
