import type { Handover } from '../../../shared/hub-api';
import { categoryName, orderTypeName } from '../i18n/labels';
import { useT } from '../i18n/use-t';
import { formatClock } from '../lib/format';
import { isFormDirty } from '../store/order-draft';
import { useDesk } from '../store/use-desk';

/**
 * What the agent who passed this call on wrote: who, their notes, and the order draft's
 * category and summary, which the order form can take over.
 */
export function PopHandover({ handover }: { handover: Handover }) {
  const { t, lang } = useT();
  const take = useDesk((s) => s.takeHandoverDraft);
  const formBusy = useDesk((s) => isFormDirty(s.draft, s.editing));
  const { draft, fromAgent } = handover;

  return (
    <section
      className="handover"
      aria-label={t('handover.title')}
      data-testid="pop-handover"
      data-handover-id={handover.id}
      data-from={fromAgent.extension}
    >
      <header className="handover__head">
        <h3 className="handover__title">{t('handover.title')}</h3>
        <span className="handover__from" data-testid="handover-from">
          {t('handover.from', { name: fromAgent.name, ext: fromAgent.extension })}
        </span>
        <span className="handover__at mono">{formatClock(handover.at)}</span>
      </header>
      <dl className="handover__facts">
        <dt>{t('handover.notes')}</dt>
        <dd className="handover__notes" data-testid="handover-notes">
          {handover.notes.trim() || t('handover.noNotes')}
        </dd>
        <dt>{t('handover.draft')}</dt>
        <dd data-testid="handover-draft">
          {draft ? (
            <>
              <span className="handover__what">
                {[
                  draft.type ? orderTypeName(draft.type, lang) : null,
                  draft.category ? categoryName(draft.category, lang) : null,
                ]
                  .filter(Boolean)
                  .join(' · ')}
              </span>
              {draft.summary && <span className="handover__summary">{draft.summary}</span>}
            </>
          ) : (
            t('handover.noDraft')
          )}
        </dd>
      </dl>
      {draft && (
        <div className="handover__actions">
          <button
            type="button"
            className="btn btn--small"
            data-testid="handover-use"
            disabled={formBusy}
            onClick={() => take()}
          >
            {t('handover.use')}
          </button>
          {formBusy && <span className="field__hint">{t('handover.formBusy')}</span>}
        </div>
      )}
    </section>
  );
}
