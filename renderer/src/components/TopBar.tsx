import type { AgentState } from '../../../shared/hub-api';
import { queueName } from '../i18n/labels';
import { errorText } from '../i18n/translate';
import { useT } from '../i18n/use-t';
import { formatClock, formatDuration } from '../lib/format';
import { useNow } from '../lib/use-now';
import { syncProblem } from '../store/sync-slice';
import { useDesk } from '../store/use-desk';
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
      <AgentStateSwitch />
      <Queues queues={agent.queues} />
      <div className="topbar__spacer" />
      <RegistrationBadge />
      <SyncBadge />
      <LangSwitch tone="dark" />
      <button
        type="button"
        className="btn btn--ghost-dark"
        data-testid="logout"
        onClick={() => void logout()}
      >
        {t('topbar.logout')}
      </button>
    </header>
  );
}

const STATE_KEYS = {
  'logged-out': 'agent.state.logged-out',
  'not-ready': 'agent.state.not-ready',
  ready: 'agent.state.ready',
  ringing: 'agent.state.ringing',
  'on-call': 'agent.state.on-call',
  'wrap-up': 'agent.state.wrap-up',
} as const satisfies Record<AgentState, string>;

function AgentStateSwitch() {
  const { t } = useT();
  const state = useDesk((s) => s.agentState);
  const since = useDesk((s) => s.agentStateSince);
  const busy = useDesk((s) => s.agentStateBusy);
  const error = useDesk((s) => s.agentError);
  const setState = useDesk((s) => s.setAgentState);
  const now = useNow();
  const onCall = state === 'ringing' || state === 'on-call';

  return (
    <div className="agent-state" data-testid="agent-state" data-state={state}>
      <div className="segmented segmented--dark segmented--state" role="group">
        <button
          type="button"
          data-testid="state-ready"
          className={state === 'ready' ? 'is-on is-ready' : ''}
          aria-pressed={state === 'ready'}
          disabled={busy || onCall}
          onClick={() => void setState('ready')}
        >
          <span className="dot dot--ok" />
          {t('agent.setReady')}
        </button>
        <button
          type="button"
          data-testid="state-not-ready"
          className={state === 'not-ready' ? 'is-on is-busy' : ''}
          aria-pressed={state === 'not-ready'}
          disabled={busy || onCall}
          onClick={() => void setState('not-ready')}
        >
          <span className="dot dot--warn" />
          {t('agent.setNotReady')}
        </button>
      </div>
      <div className={`agent-state__now agent-state__now--${state}`}>
        <span className="agent-state__label">{t(STATE_KEYS[state])}</span>
        <span className="agent-state__timer mono" data-testid="state-timer">
          {formatDuration(since ? now - since : 0)}
        </span>
      </div>
      {error && (
        <span className="topbar__warn" title={error.message}>
          {errorText(t, error)}
        </span>
      )}
    </div>
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
