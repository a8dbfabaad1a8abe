import { queueName } from '../i18n/labels';
import { errorText } from '../i18n/translate';
import { useT } from '../i18n/use-t';
import { formatClock } from '../lib/format';
import { syncProblem } from '../store/sync-slice';
import { useDesk } from '../store/use-desk';
import { AgentStateControl } from './AgentStateControl';
import { LangSwitch } from './LangSwitch';

/** Agent, state switch with its timer, queues, phone and sync status, language, sign-out. */
export function TopBar() {
  const { t } = useT();
  const agent = useDesk((s) => s.session?.agent);
  const logout = useDesk((s) => s.logout);
  if (!agent) return null;

  return (
    <header className="topbar">
      <div className="brand">
        <span className="brand__mark">12345</span>
        <span className="brand__name">{t('app.brand')}</span>
      </div>
      <div className="topbar__agent" title={agent.account}>
        <span className="topbar__agent-name">{agent.name}</span>
        <span className="topbar__agent-ext">{t('agent.ext', { ext: agent.extension })}</span>
      </div>
      <AgentStateControl />
      <Queues queues={agent.queues} />
      <div className="topbar__spacer" />
      {/* One group, so a bar too wide for the window wraps it whole onto a second row. */}
      <div className="topbar__end" data-testid="topbar-end">
        <RegistrationBadge />
        <SyncBadge />
        <OverlayButtons />
        <LangSwitch tone="dark" />
        <button
          type="button"
          className="btn btn--ghost-dark"
          data-testid="logout"
          onClick={() => void logout()}
        >
          {t('topbar.logout')}
        </button>
      </div>
    </header>
  );
}

function Queues({ queues }: { queues: string[] }) {
  const { t } = useT();
  if (queues.length === 0) return null;
  return (
    <div className="topbar__queues" title={t('agent.queues')}>
      {queues.map((queue) => (
        <span key={queue} className="chip chip--dark">
          {queueName(t, queue)}
        </span>
      ))}
    </div>
  );
}

function RegistrationBadge() {
  const { t } = useT();
  const state = useDesk((s) => s.registration);
  const detail = useDesk((s) => s.registrationDetail);
  const tone =
    state === 'registered' ? 'ok' : state === 'failed' || state === 'unregistered' ? 'bad' : 'warn';
  return (
    <div
      className={`badge badge--${tone}`}
      data-testid="reg-status"
      data-state={state}
      title={detail ?? ''}
    >
      <span className={`dot dot--${tone}`} />
      {t(`reg.${state}`)}
    </div>
  );
}

function SyncBadge() {
  const { t } = useT();
  const sync = useDesk((s) => s.sync);
  const busy = useDesk((s) => s.syncBusy);
  const requestError = useDesk((s) => s.syncError);
  const syncNow = useDesk((s) => s.syncNow);

  const pending = sync?.pending ?? 0;
  const reachable = sync?.hubReachable ?? false;
  const problem = syncProblem(sync, requestError);
  const problemText = problem
    ? problem.code === 'sync-failed'
      ? t('sync.failed')
      : errorText(t, { code: problem.code })
    : '';
  const title = [
    sync?.lastSuccessAt ? t('sync.lastSuccess', { time: formatClock(sync.lastSuccessAt) }) : '',
    problem ? t('sync.lastError', { error: problemText }) : '',
    problem?.detail ?? '',
  ]
    .filter(Boolean)
    .join('\n');

  return (
    <div className="sync" title={title}>
      <span
        className={`badge badge--${reachable ? 'ok' : 'bad'}`}
        data-testid="sync-hub"
        data-reachable={String(reachable)}
      >
        <span className={`dot dot--${reachable ? 'ok' : 'bad'}`} />
        {sync ? t(reachable ? 'sync.hubUp' : 'sync.hubDown') : t('sync.unknown')}
      </span>
      <span
        className={`badge badge--${pending > 0 ? 'warn' : 'ok'}`}
        data-testid="sync-pending"
        data-count={pending}
      >
        {pending > 0 ? t('sync.pending', { n: pending }) : t('sync.allSynced')}
        {sync?.syncing && <span className="spinner" aria-label={t('sync.syncing')} />}
      </span>
      <button
        type="button"
        className="btn btn--ghost-dark btn--small"
        data-testid="sync-now"
        disabled={busy}
        onClick={() => void syncNow()}
      >
        {t('sync.now')}
      </button>
    </div>
  );
}

/** Opens the device settings and the list of shortcuts; marks a microphone problem. */
function OverlayButtons() {
  const { t } = useT();
  const overlay = useDesk((s) => s.overlay);
  const microphone = useDesk((s) => s.microphone);
  const toggle = useDesk((s) => s.toggleOverlay);
  const micBad = microphone === 'missing' || microphone === 'denied';
  return (
    <div className="topbar__tools">
      <button
        type="button"
        className={`btn btn--ghost-dark btn--small${micBad ? ' is-bad' : ''}`}
        data-testid="open-devices"
        aria-expanded={overlay === 'devices'}
        aria-haspopup="dialog"
        onClick={() => toggle('devices')}
      >
        {t('devices.open')}
      </button>
      <button
        type="button"
        className="btn btn--ghost-dark btn--small"
        data-testid="open-shortcuts"
        aria-expanded={overlay === 'shortcuts'}
        aria-haspopup="dialog"
        aria-keyshortcuts="?"
        onClick={() => toggle('shortcuts')}
      >
        {t('shortcuts.open')}
      </button>
    </div>
  );
}
