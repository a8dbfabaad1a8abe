import { useEffect, useMemo } from 'react';
import { errorText } from '../i18n/translate';
import { useT } from '../i18n/use-t';
import { formatClock, formatDate, formatDuration } from '../lib/format';
import { useDesk } from '../store/use-desk';

/** A WAV in base64 as a blob URL, revoked when the audio changes or the player closes. */
function useBlobUrl(base64: string | null | undefined): string | null {
  const url = useMemo(() => {
    if (!base64) return null;
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    return URL.createObjectURL(new Blob([bytes], { type: 'audio/wav' }));
  }, [base64]);
  useEffect(() => () => (url ? URL.revokeObjectURL(url) : undefined), [url]);
  return url;
}

/** Who may play recordings: the hub's RECORDING_ROLES (server/routes/recordings.ts). */
const RECORDING_PLAYERS: ReadonlySet<string> = new Set(['lead', 'admin']);

/**
 * "Play recording" on an order taken on a call, for shift leads and admins only (the hub
 * refuses anyone else; the button is not shown to them).
 */
export function RecordingButton(props: { callId: string | undefined; orderNo: string }) {
  const { t } = useT();
  const mayPlay = useDesk((s) => RECORDING_PLAYERS.has(s.session?.agent.role ?? ''));
  const open = useDesk((s) => s.openRecording);
  if (!mayPlay || !props.callId) return null;
  const callId = props.callId;
  return (
    <button
      type="button"
      className="btn btn--small"
      data-testid="recording-play"
      data-call-id={callId}
      aria-label={t('recording.playLabel', { no: props.orderNo })}
      onClick={() => void open(callId)}
    >
      {t('recording.play')}
    </button>
  );
}

/** The opened recording: an audio player with the call's time, length and expiry. */
export function RecordingPlayer() {
  const { t } = useT();
  const opened = useDesk((s) => s.recordingOpen);
  const close = useDesk((s) => s.closeRecording);
  const url = useBlobUrl(opened?.audioBase64);
  if (!opened) return null;
  const { recording } = opened;

  return (
    <div
      className="overlay"
      role="dialog"
      aria-modal="false"
      aria-label={t('recording.title')}
      data-testid="recording-player"
      data-call-id={opened.callId}
      data-phase={opened.phase}
      tabIndex={-1}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          close();
        }
      }}
    >
      <header className="overlay__head">
        <h2>{t('recording.title')}</h2>
        <button
          type="button"
          className="btn btn--small"
          data-testid="recording-close"
          onClick={close}
        >
          {t('recording.close')}
        </button>
      </header>
      <div className="overlay__body">
        {opened.phase === 'loading' && <p className="empty">{t('recording.loading')}</p>}
        {opened.phase === 'failed' && opened.error && (
          <p
            className="notice notice--error"
            data-testid="recording-error"
            data-code={opened.error.code}
            title={opened.error.message}
          >
            {/* not-found from recording.get: the hub has none for the call, not this seat. */}
            {opened.error.code === 'not-found'
              ? t('recording.none')
              : t('recording.failed', { error: errorText(t, opened.error) })}
          </p>
        )}
        {recording && url && (
          <>
            <audio controls src={url} data-testid="recording-audio" className="recording__audio" />
            <dl className="seat-order__facts">
              <dt>{t('recording.startedAt')}</dt>
              <dd className="mono">
                {formatDate(recording.startedAt)} {formatClock(recording.startedAt)}
              </dd>
              <dt>{t('recording.duration')}</dt>
              <dd className="mono" data-testid="recording-duration">
                {formatDuration(recording.durationMs)}
              </dd>
              <dt>{t('recording.expiresAt')}</dt>
              <dd className="mono" data-testid="recording-expires">
                {formatDate(recording.expiresAt)}
              </dd>
            </dl>
            <p className="panel__meta">{t('recording.channels')}</p>
          </>
        )}
      </div>
    </div>
  );
}
