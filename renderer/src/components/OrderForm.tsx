import type { KeyboardEvent } from 'react';
import { CATEGORIES } from '../../../shared/domain/categories';
import { ORDER_TYPES } from '../../../shared/domain/order-types';
import { TERRITORIES } from '../../../shared/domain/territories';
import { SUMMARY_MAX_CHARS } from '../../../shared/order';
import { categoryName, orderTypeName, territoryName } from '../i18n/labels';
import type { MessageKey } from '../i18n/messages';
import { useT } from '../i18n/use-t';
import { formatPhone } from '../lib/format';
import { isFormDirty, type DraftField, type FieldProblem } from '../store/order-draft';
import { callOnCard } from '../store/phone-slice';
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
  const call = useDesk(callOnCard);
  const editing = useDesk((s) => s.editing);
  const dirty = isFormDirty(draft, editing);

  const forOtherCall = call !== null && draft.callId !== call.callId && dirty;
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
    // Ctrl+Shift+Enter is the desk's answer key (lib/shortcuts), not a save.
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && !e.shiftKey) {
      e.preventDefault();
      void saveOrder();
    }
  };

  return (
    <section className="panel order" aria-label={t('form.title')} onKeyDown={onKeyDown}>
      <header className="panel__head">
        <h2>{t('form.title')}</h2>
        {editing && (
          <span
            className="tag tag--editing"
            data-testid="order-editing"
            data-local-id={editing.localId}
          >
            {t('form.editing', { no: editing.orderNo ?? t('local.noNumberYet') })}
          </span>
        )}
        {draft.callId && draft.callerNumber && (
          <span className="panel__meta">
            {t('form.linkedCall', { number: formatPhone(draft.callerNumber) })}
          </span>
        )}
        <div className="panel__spacer" />
        <DraftStatus />
        <SaveStatus />
      </header>

      {forOtherCall && call && (
        <div className="notice notice--warn notice--row" data-testid="order-other-call">
          <span>{t('form.otherCall')}</span>
          <button
            type="button"
            className="btn btn--small"
            data-testid="order-for-call"
            onClick={() => newDraft({ callId: call.callId, caller: call.remote })}
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
          data-testid={editing ? 'order-cancel-edit' : 'order-new'}
          onClick={() =>
            newDraft(
              call && call.phase !== 'ended' ? { callId: call.callId, caller: call.remote } : null,
            )
          }
        >
          {editing ? t('form.cancelEdit') : t('form.new')}
        </button>
        <button
          type="button"
          className="btn btn--primary"
          data-testid="order-save"
          data-mode={editing ? 'edit' : 'new'}
          disabled={saving}
          onClick={() => void saveOrder()}
        >
          {saving ? t('form.saving') : t(editing ? 'form.saveEdit' : 'form.save')}
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

/** Whether what is typed is kept on the seat yet (it outlives a reload once it is). */
function DraftStatus() {
  const { t } = useT();
  const state = useDesk((s) => s.draftState);
  const error = useDesk((s) => s.draftError);
  const restored = useDesk((s) => s.draftRestored);
  if (state === 'idle') return null;
  let text: string;
  if (state === 'failed' && error) text = t('form.draft.failed', { error: errorText(t, error) });
  else if (state === 'saving') text = t('form.draft.saving');
  else text = restored ? t('form.draft.restored') : t('form.draft.saved');
  return (
    <span
      className={`draft-status draft-status--${state}`}
      data-testid="order-draft"
      data-state={state}
      data-restored={String(restored)}
      title={error?.message}
      role={state === 'failed' ? 'alert' : undefined}
    >
      {text}
    </span>
  );
}

function SaveError() {
  const { t } = useT();
  const error = useDesk((s) => s.saveError);
  const noChanges = useDesk((s) => s.noChanges);
  if (noChanges) {
    return (
      <span className="order__error" role="status" data-testid="order-no-changes">
        {t('form.noChanges')}
      </span>
    );
  }
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
