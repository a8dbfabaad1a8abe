import type { LocalConflict } from '../../../shared/desk-api';
import { fieldLabel, fieldValue } from '../i18n/labels';
import { errorText } from '../i18n/translate';
import { useT } from '../i18n/use-t';
import { useDesk } from '../store/use-desk';

/**
 * Conflicts to decide, one per field: this seat's value beside the hub's, who changed the
 * hub's, and the two choices. The rule (shared/sync-protocol.ts) is said in one line on top.
 */
export function ConflictsPanel() {
  const { t } = useT();
  const conflicts = useDesk((s) => s.conflicts);
  const error = useDesk((s) => s.conflictsError);

  return (
    <section className="panel conflicts" aria-label={t('conflicts.title')}>
      <header className="panel__head">
        <h2>{t('conflicts.title')}</h2>
      </header>
      <p className="conflicts__rule" data-testid="conflict-rule">
        {t('conflicts.rule')}
      </p>
      {error && (
        <p className="notice notice--error" title={error.message}>
          {t('conflicts.loadFailed', { error: errorText(t, error) })}
        </p>
      )}
      {conflicts.length === 0 ? (
        <p className="empty">{t('conflicts.empty')}</p>
      ) : (
        <ul className="conflicts__list">
          {conflicts.map((conflict) => (
            <ConflictRow key={conflict.conflictId} conflict={conflict} />
          ))}
        </ul>
      )}
    </section>
  );
}

function ConflictRow({ conflict }: { conflict: LocalConflict }) {
  const { t, lang } = useT();
  const resolve = useDesk((s) => s.resolveConflict);
  const busy = useDesk((s) => s.resolvingId !== null);
  const failure = useDesk((s) =>
    s.resolveError?.conflictId === conflict.conflictId ? s.resolveError.error : null,
  );
  const field = fieldLabel(t, conflict.field);
  const shown = (value: string) =>
    value.trim() ? fieldValue(conflict.field, value, lang) : t('conflicts.emptyValue');

  return (
    <li
      className="conflict"
      data-testid="conflict"
      data-conflict-id={conflict.conflictId}
      data-field={conflict.field}
    >
      <div className="conflict__head">
        <strong className="conflict__field">{field}</strong>
        <span className="mono">{t('conflicts.order', { no: conflict.orderNo })}</span>
      </div>
      <div className="conflict__values">
        <div className="conflict__value" data-testid="conflict-seat">
          <span className="conflict__label">{t('conflicts.mine')}</span>
          <span className="conflict__text">{shown(conflict.seatValue)}</span>
        </div>
        <div className="conflict__value conflict__value--hub" data-testid="conflict-hub">
          <span className="conflict__label">
            {t('conflicts.hub')} · {t('conflicts.changedBy', { who: conflict.hubChangedBy })}
          </span>
          <span className="conflict__text">{shown(conflict.hubValue)}</span>
        </div>
      </div>
      <div className="conflict__actions">
        {failure && (
          <span className="order__error" role="alert" title={failure.message}>
            {t('conflicts.failed', { error: errorText(t, failure) })}
          </span>
        )}
        <span className="panel__spacer" />
        <button
          type="button"
          className="btn btn--small"
          data-testid="conflict-keep-hub"
          aria-label={t('conflicts.keepHubLabel', { field })}
          disabled={busy}
          onClick={() => void resolve(conflict.conflictId, 'hub')}
        >
          {t('conflicts.keepHub')}
        </button>
        <button
          type="button"
          className="btn btn--small btn--primary"
          data-testid="conflict-use-mine"
          aria-label={t('conflicts.useMineLabel', { field })}
          disabled={busy}
          onClick={() => void resolve(conflict.conflictId, 'seat')}
        >
          {t('conflicts.useMine')}
        </button>
      </div>
    </li>
  );
}
