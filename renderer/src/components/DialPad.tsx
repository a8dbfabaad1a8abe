import { useState, type FormEvent } from 'react';
import { useT } from '../i18n/use-t';
import { DEPARTMENT_LINES } from '../lib/departments';
import { callOnCard } from '../store/phone-slice';
import { useDesk } from '../store/use-desk';

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'] as const;

/**
 * The number field, the department list and the dial pad. With no call the pad types
 * into the field; during a call it sends tones (DTMF) into the call instead, and the call
 * button places a consult call (the caller is held first).
 */
export function DialPad() {
  const { t, lang } = useT();
  const number = useDesk((s) => s.dialNumber);
  const setNumber = useDesk((s) => s.setDialNumber);
  const dial = useDesk((s) => s.dial);
  const sendDtmf = useDesk((s) => s.sendDtmf);
  const call = useDesk(callOnCard);
  const invalid = useDesk((s) => s.dialInvalid !== null);
  const dialPending = useDesk((s) => s.dialPending);
  const [sent, setSent] = useState({ callId: '', digits: '' });
  const inCall = call?.phase === 'active';
  const live = call !== null && call.phase !== 'ended';

  const press = (key: string) => {
    if (inCall) {
      void sendDtmf(key);
      const before = sent.callId === call.callId ? sent.digits : '';
      setSent({ callId: call.callId, digits: (before + key).slice(-16) });
    } else {
      setNumber(number + key);
    }
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!number.trim()) return;
    const callId = await dial(number);
    if (callId) setNumber('');
  };

  return (
    <section className="panel panel--dial" aria-label={t('dial.title')}>
      <header className="panel__head">
        <h2>{t('dial.title')}</h2>
      </header>
      <form className="dial" onSubmit={(e) => void submit(e)}>
        <label className="dial__field">
          <span className="sr-only">{t('dial.number')}</span>
          <input
            className="input mono"
            data-testid="dial-number"
            inputMode="tel"
            autoComplete="off"
            placeholder={t('dial.placeholder')}
            aria-invalid={invalid ? true : undefined}
            aria-describedby={invalid ? 'dial-invalid' : undefined}
            value={number}
            onChange={(e) => setNumber(e.target.value)}
          />
        </label>
        <button
          type="submit"
          className="btn btn--primary"
          data-testid="dial-call"
          disabled={dialPending || !number.trim()}
          aria-busy={dialPending || undefined}
        >
          {live ? t('dial.consult') : t('dial.call')}
        </button>
        <label className="dial__departments">
          <span className="sr-only">{t('dial.departments')}</span>
          <select
            className="input"
            data-testid="dial-department"
            value=""
            onChange={(e) => setNumber(e.target.value)}
          >
            <option value="">{t('dial.chooseDepartment')}</option>
            {DEPARTMENT_LINES.map((d) => (
              <option key={d.id} value={d.number}>
                {lang === 'en' ? d.en : d.zh}
              </option>
            ))}
          </select>
        </label>
      </form>
      {invalid && (
        <p className="dial__invalid" id="dial-invalid" role="alert" data-testid="dial-invalid">
          {t('dial.invalid')}
        </p>
      )}
      <div
        className="dialpad"
        role="group"
        aria-label={inCall ? t('dial.padTones') : t('dial.pad')}
        data-testid="dialpad"
        data-mode={inCall ? 'dtmf' : 'dial'}
      >
        {KEYS.map((key) => (
          <button
            key={key}
            type="button"
            className="dialpad__key mono"
            data-testid={`dialpad-${key === '*' ? 'star' : key === '#' ? 'hash' : key}`}
            aria-label={t('dial.key', { key })}
            onClick={() => press(key)}
          >
            {key}
          </button>
        ))}
      </div>
      {inCall && sent.callId === call.callId && (
        <p className="dial__sent mono" aria-live="polite" data-testid="dtmf-sent">
          {t('dial.sent', { digits: sent.digits })}
        </p>
      )}
    </section>
  );
}
