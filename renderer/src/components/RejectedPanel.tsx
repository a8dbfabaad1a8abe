import type { RejectedMutation } from '../../../shared/desk-api';
import { errorText } from '../i18n/translate';
import { useT } from '../i18n/use-t';
import { isFormDirty } from '../store/order-draft';
import { useDesk } from '../store/use-desk';

/**
 * What the hub refused, each with the translated code, the hub's own reason and the order
 * it concerns. Nothing leaves this list unless the agent dismisses it; a refused new order
 * can be copied into the form to be fixed and saved again.
 */
export function RejectedPanel() {
  const { t } = useT();
  const rejected = useDesk((s) => s.rejected);
  const error = useDesk((s) => s.rejectedError);

  return (
    <section className="panel rejected" aria-label={t('rejected.title')}>
      <header className="panel__head">
        <h2>{t('rejected.title')}</h2>
      </header>
      <p className="conflicts__rule">{t('rejected.hint')}</p>
      {error && (
        <p className="notice notice--error" title={error.message}>
          {t('rejected.loadFailed', { error: errorText(t, error) })}
        </p>
      )}
      {rejected.length === 0 ? (
        <p className="empty">{t('rejected.empty')}</p>
      ) : (
        <ul className="conflicts__list">
          {rejected.map((refusal) => (
            <RejectedRow key={refusal.mutationId} refusal={refusal} />
          ))}
        </ul>
      )}
    </section>
  );
}

function RejectedRow({ refusal }: { refusal: RejectedMutation }) {
  const { t } = useT();
  const dismiss = useDesk((s) => s.dismissRejected);
  const copyToForm = useDesk((s) => s.copyToForm);
  const dismissing = useDesk((s) => s.dismissingId === refusal.mutationId);
  const formBusy = useDesk((s) => isFormDirty(s.draft, s.editing));
  const failure = useDesk((s) =>
    s.dismissError?.mutationId === refusal.mutationId ? s.dismissError.error : null,
  );
  const { localId } = refusal;
  const order = refusal.orderNo
    ? t('rejected.order', { no: refusal.orderNo })
    : t('rejected.orderUnnumbered');

  return (
    <li
      className="conflict rejected__row"
      data-testid="rejected"
      data-mutation-id={refusal.mutationId}
      data-code={refusal.code}
      data-local-id={localId ?? ''}
    >
      <div className="conflict__head">
        <span className="tag tag--local-rejected">{t(`reject.${refusal.code}`)}</span>
        <strong>{t(`mutation.${refusal.name}`)}</strong>
        <span className="mono">{order}</span>
      </div>
      <p className="rejected__reason" data-testid="rejected-reason">
        {t('rejected.reason', { reason: refusal.reason })}
      </p>
      <div className="conflict__actions">
        {failure && (
          <span className="order__error" role="alert" title={failure.message}>
            {t('rejected.failed', { error: errorText(t, failure) })}
          </span>
        )}
        <span className="panel__spacer" />
        {refusal.name === 'order.create' && localId && (
          <button
            type="button"
            className="btn btn--small"
            data-testid="rejected-copy"
            aria-label={t('rejected.copyLabel')}
            title={formBusy ? t('orders.formBusy') : undefined}
            disabled={formBusy}
            onClick={() => void copyToForm(localId)}
          >
            {t('rejected.copy')}
          </button>
        )}
        <button
          type="button"
          className="btn btn--small"
          data-testid="rejected-dismiss"
          aria-label={t('rejected.dismissLabel')}
          disabled={dismissing}
          onClick={() => void dismiss(refusal.mutationId)}
        >
          {t('rejected.dismiss')}
        </button>
      </div>
    </li>
  );
}
