import type { KeyboardEvent } from 'react';
import { CATEGORIES } from '../../../shared/domain/categories';
import { ORDER_TYPES } from '../../../shared/domain/order-types';
import { TERRITORIES } from '../../../shared/domain/territories';
import { SUMMARY_MAX_CHARS } from '../../../shared/order';
import { categoryName, orderTypeName, territoryName } from '../i18n/labels';
import type { MessageKey } from '../i18n/messages';
import { useT } from '../i18n/use-t';
import { formatPhone } from '../lib/format';
import { isDraftDirty, type DraftField, type FieldProblem } from '../store/order-slice';
import { useDesk } from '../store/use-desk';
import { errorText } from '../i18n/translate';

const PROBLEM_KEYS: Record<FieldProblem, MessageKey> = {
  required: 'form.error.required',
  choose: 'form.error.choose',
  'too-long': 'form.error.tooLong',
  invalid: 'form.error.invalid',
};

const TERRITORY_GROUPS = [
  { kind: 'street', key: 'form.territory.streets' },
  { kind: 'town', key: 'form.territory.towns' },
  { kind: 'park', key: 'form.territory.park' },
] as const;

/**
 * The work order of the call: what, where, who, and the summary. Saving writes it on the
 * seat at once (it survives the hub being away) and shows it pending until the hub numbers
 * it. Ctrl+Enter saves.
 */
export function OrderForm() {
  const { t, lang } = useT();
  const draft = useDesk((s) => s.draft);
  const errors = useDesk((s) => s.fieldErrors);
  const saving = useDesk((s) => s.saving);
  const setField = useDesk((s) => s.setField);
  const saveOrder = useDesk((s) => s.saveOrder);
  const newDraft = useDesk((s) => s.newDraft);
  const call = useDesk((s) => s.call);

  const forOtherCall = call !== null && draft.callId !== call.callId && isDraftDirty(draft);
  const problem = (field: DraftField) => {
    const p = errors[field];
    return p ? <span className="field__error">{t(PROBLEM_KEYS[p])}</span> : null;
  };
  const bind = (field: DraftField) => ({
    value: draft[field],
    'aria-invalid': errors[field] ? true : undefined,
    onChange: (e: { target: { value: string } }) => setField(field, e.target.value),
  });
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      void saveOrder();
    }
  };

  return (
    <section className="panel order" aria-label={t('form.title')} onKeyDown={onKeyDown}>
      <header className="panel__head">
        <h2>{t('form.title')}</h2>
        {draft.callId && draft.callerNumber && (
          <span className="panel__meta">
            {t('form.linkedCall', { number: formatPhone(draft.callerNumber) })}
          </span>
        )}
        <div className="panel__spacer" />
        <SaveStatus />
      </header>

      {forOtherCall && call && (
        <div className="notice notice--warn notice--row" data-testid="order-other-call">
          <span>{t('form.otherCall')}</span>
          <button
            type="button"
            className="btn btn--small"
            data-testid="order-for-call"
            onClick={() => newDraft({ callId: call.callId, caller: call.caller })}
          >
            {t('form.startForCall')}
          </button>
        </div>
      )}

      <div className="order__grid">
        <label className="field">
          <span className="field__label">{t('form.type')}</span>
          <select data-testid="order-type" {...bind('type')}>
            <option value="">{t('form.choose')}</option>
            {ORDER_TYPES.map((type) => (
              <option key={type} value={type}>
                {orderTypeName(type, lang)}
              </option>
            ))}
          </select>
          {problem('type')}
        </label>
        <label className="field">
          <span className="field__label">{t('form.category')}</span>
          <select data-testid="order-category" {...bind('category')}>
            <option value="">{t('form.choose')}</option>
            {CATEGORIES.map((c) => (
              <option key={c.code} value={c.code}>
                {categoryName(c.code, lang)}
              </option>
            ))}
          </select>
          {problem('category')}
        </label>
        <label className="field">
          <span className="field__label">{t('form.territory')}</span>
          <select data-testid="order-territory" {...bind('territory')}>
            <option value="">{t('form.choose')}</option>
            {TERRITORY_GROUPS.map((group) => (
              <optgroup key={group.kind} label={t(group.key)}>
                {TERRITORIES.filter((x) => x.kind === group.kind).map((x) => (
                  <option key={x.code} value={x.code}>
                    {territoryName(x.code, lang)}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
          {problem('territory')}
        </label>

        <label className="field">
          <span className="field__label">{t('form.name')}</span>
          <input data-testid="order-name" maxLength={100} {...bind('citizenName')} />
          {problem('citizenName')}
        </label>
        <label className="field">
          <span className="field__label">{t('form.callerNumber')}</span>
          <input
            data-testid="order-caller"
            className="mono"
            maxLength={32}
            {...bind('callerNumber')}
          />
          {problem('callerNumber')}
        </label>
        <label className="field">
          <span className="field__label">{t('form.address')}</span>
          <input data-testid="order-address" maxLength={300} {...bind('citizenAddress')} />
          {problem('citizenAddress')}
        </label>

        <label className="field field--summary">
          <span className="field__label">
            {t('form.summary')}
            <span className="field__aside">
              {problem('summary')}
              <span className="field__count mono">
                {draft.summary.length}/{SUMMARY_MAX_CHARS}
              </span>
            </span>
          </span>
          <textarea
            data-testid="order-summary"
            placeholder={t('form.summaryPlaceholder')}
            maxLength={SUMMARY_MAX_CHARS}
            {...bind('summary')}
          />
        </label>
      </div>

      <footer className="order__foot">
        <SaveError />
        <div className="panel__spacer" />
        <span className="order__shortcut">{t('form.shortcut')}</span>
        <button
          type="button"
          className="btn"
          data-testid="order-new"
          onClick={() =>
            newDraft(
              call && call.state !== 'ended' ? { callId: call.callId, caller: call.caller } : null,
            )
          }
        >
          {t('form.new')}
        </button>
        <button
          type="button"
          className="btn btn--primary"
          data-testid="order-save"
          disabled={saving}
          onClick={() => void saveOrder()}
        >
          {saving ? t('form.saving') : t('form.save')}
        </button>
      </footer>
    </section>
  );
}

function SaveStatus() {
  const { t } = useT();
  const saved = useDesk((s) => s.lastSaved);
  if (!saved) return null;
  let text: string;
  if (saved.status === 'synced' && saved.orderNo)
    text = t('form.savedSynced', { no: saved.orderNo });
  else if (saved.status === 'rejected')
    text = t('form.savedRejected', { reason: saved.rejectReason ?? '' });
  else text = t('form.savedPending');
  return (
    <span
      className={`save-status save-status--${saved.status}`}
      data-testid="order-status"
      data-status={saved.status}
      data-order-no={saved.orderNo ?? ''}
      data-local-id={saved.localId}
    >
      <span
        className={`dot dot--${saved.status === 'synced' ? 'ok' : saved.status === 'rejected' ? 'bad' : 'warn'}`}
      />
      {text}
    </span>
  );
}

function SaveError() {
  const { t } = useT();
  const error = useDesk((s) => s.saveError);
  if (!error) return null;
  const text =
    error.code === 'seat-unreachable'
      ? t('form.saveUnsure')
      : t('form.saveFailed', { error: errorText(t, error) });
  return (
    <span className="order__error" role="alert" data-testid="order-error" title={error.message}>
      {text}
    </span>
  );
}
