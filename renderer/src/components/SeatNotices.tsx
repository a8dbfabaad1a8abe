import type { SeatNotice } from '../../../shared/desk-api';
import { useT } from '../i18n/use-t';
import { useDesk } from '../store/use-desk';

/**
 * What the seat core says about the seat itself: a store file it could not use (kept
 * aside, a fresh one started) or a store kept without encryption. Each stays until the
 * agent dismisses it, on the sign-in page and on the desk alike.
 */
export function SeatNotices() {
  const notices = useDesk((s) => s.seatStatus?.notices ?? NONE);
  if (notices.length === 0) return null;
  return (
    <div className="seat-notices">
      {notices.map((notice) => (
        <Notice key={notice.id} notice={notice} />
      ))}
    </div>
  );
}

const NONE: SeatNotice[] = [];

function Notice({ notice }: { notice: SeatNotice }) {
  const { t } = useT();
  const dismiss = useDesk((s) => s.dismissNotice);
  const warning = notice.kind === 'store-unencrypted';
  const text = t(`seat.notice.${notice.kind}`, { file: notice.file ?? t('seat.fileUnknown') });
  return (
    <div
      className={`banner banner--row banner--${warning ? 'warn' : 'bad'}`}
      role={warning ? 'status' : 'alert'}
      data-testid="seat-notice"
      data-kind={notice.kind}
      title={notice.message}
    >
      <span data-file={notice.file ?? ''}>{text}</span>
      <button
        type="button"
        className="btn btn--small"
        data-testid="seat-notice-dismiss"
        aria-label={t('seat.dismissLabel')}
        onClick={() => void dismiss(notice.id)}
      >
        {t('seat.dismiss')}
      </button>
    </div>
  );
}
