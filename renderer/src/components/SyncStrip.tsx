import { secondsUntil, timeAgo } from '../i18n/relative-time';
import { errorText } from '../i18n/translate';
import { useT } from '../i18n/use-t';
import { useNow } from '../lib/use-now';
import { syncProblem } from '../store/sync-slice';
import { useDesk } from '../store/use-desk';

/**
 * The sync's detail under the top bar: an offline sign-in, when it last worked, what failed, when it tries
 * again, a progress bar while a backlog goes out, and the refusals and conflicts waiting
 * for the agent (each opens its list). Times are the seat's own clock,
 * shown relative, for reading only.
 */
export function SyncStrip() {
  const { t } = useT();
  const sync = useDesk((s) => s.sync);
  const requestError = useDesk((s) => s.syncError);
  const showView = useDesk((s) => s.showView);
  const offline = useDesk((s) => s.session?.offline ?? false);
  const now = useNow();
  if (!sync && !offline) return null;

  const problem = syncProblem(sync, requestError);
  const retryIn = problem && sync ? secondsUntil(sync.nextRetryAt, now) : null;
  const last = sync?.lastSuccessAt
    ? t('sync.lastSuccessAgo', { ago: timeAgo(t, sync.lastSuccessAt, now) })
    : t('sync.never');

  return (
    <div
      className={`sync-strip${problem ? ' sync-strip--bad' : ''}`}
      role="status"
      aria-label={t('sync.strip')}
      data-testid="sync-strip"
    >
      {offline && (
        <span
          className="badge badge--light-bad"
          data-testid="session-offline"
          title={t('session.offlineHint')}
        >
          <span className="dot dot--bad" />
          {t('session.offline')}
        </span>
      )}
      <span data-testid="sync-last" title={sync?.lastSuccessAt ?? ''}>
        {last}
      </span>
      {problem && (
        <span
          className="sync-strip__error"
          data-testid="sync-error"
          data-code={problem.code}
          title={problem.detail}
        >
          {t('sync.lastError', {
            error:
              problem.code === 'sync-failed'
                ? t('sync.failed')
                : errorText(t, { code: problem.code }),
          })}
        </span>
      )}
      {retryIn !== null && (
        <span data-testid="sync-retry" data-seconds={retryIn}>
          {retryIn > 0 ? t('sync.retryIn', { n: retryIn }) : t('sync.retryNow')}
        </span>
      )}
      {sync?.catchUp && <CatchUp total={sync.catchUp.total} done={sync.catchUp.done} />}
      <span className="panel__spacer" />
      {sync && sync.rejected > 0 && (
        <button
          type="button"
          className="badge badge--light-bad badge--button"
          data-testid="sync-rejected"
          data-count={sync.rejected}
          aria-label={t('sync.showRejected', { n: sync.rejected })}
          onClick={() => showView('rejected')}
        >
          {t('sync.rejected', { n: sync.rejected })}
        </button>
      )}
      {sync && sync.conflicts > 0 && (
        <button
          type="button"
          className="badge badge--light-warn badge--button"
          data-testid="sync-conflicts"
          data-count={sync.conflicts}
          aria-label={t('sync.showConflicts', { n: sync.conflicts })}
          onClick={() => showView('conflicts')}
        >
          {t('sync.conflicts', { n: sync.conflicts })}
        </button>
      )}
    </div>
  );
}

function CatchUp({ total, done }: { total: number; done: number }) {
  const { t } = useT();
  const shown = Math.min(done, total);
  const label = t('sync.catchUp', { done: shown, total });
  return (
    <span className="catch-up">
      <span
        className="catch-up__bar"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={shown}
        data-testid="sync-progress"
      >
        <span
          className="catch-up__fill"
          style={{ width: `${total > 0 ? (100 * shown) / total : 0}%` }}
        />
      </span>
      <span className="mono">{label}</span>
    </span>
  );
}
