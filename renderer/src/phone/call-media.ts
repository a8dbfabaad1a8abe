import type { Session, Web } from 'sip.js';
import { createLogger, describeError } from '../lib/log';

const log = createLogger('seat.sip.media');

/** The WebRTC handler of a session, once sip.js has made one. */
export function handlerOf(session: Session): Web.SessionDescriptionHandler | undefined {
  return session.sessionDescriptionHandler as Web.SessionDescriptionHandler | undefined;
}

/**
 * Whether our microphone (and camera) reach the far end: not while muted, not while we
 * hold the call (the held caller hears nothing of the seat, even before the re-INVITE's
 * answer). Tracks stay in place, so resuming is instant.
 */
export function applyTrackStates(session: Session, state: { muted: boolean; held: boolean }) {
  const pc = handlerOf(session)?.peerConnection;
  if (!pc) return;
  for (const sender of pc.getSenders()) {
    const track = sender.track;
    if (!track) continue;
    track.enabled = track.kind === 'audio' ? !state.muted && !state.held : !state.held;
  }
}

type SinkElement = HTMLMediaElement & { setSinkId?: (id: string) => Promise<void> };

/** Sends an element's sound to a chosen speaker where the browser can (setSinkId). */
export function applySpeaker(element: HTMLMediaElement, speakerId: string | null): void {
  const sink = element as SinkElement;
  if (!sink.setSinkId) return;
  sink.setSinkId(speakerId ?? '').catch((error: unknown) => {
    log.warn(`Speaker ${speakerId ?? 'default'} not usable: ${describeError(error)}.`);
  });
}

/**
 * The hidden element that plays a line's far end. Line 0 keeps the `remote-audio` test
 * id the end-to-end tests read; line n > 0 is `remote-audio-<n+1>`.
 */
export function remoteAudio(
  line: number,
  stream: MediaStream,
  speakerId: string | null,
): HTMLAudioElement {
  const element = document.createElement('audio');
  element.autoplay = true;
  element.hidden = true;
  element.dataset.testid = line === 0 ? 'remote-audio' : `remote-audio-${line + 1}`;
  element.srcObject = stream;
  applySpeaker(element, speakerId);
  document.body.append(element);
  void element.play().catch((error: unknown) => {
    log.warn(`Remote audio of line ${line + 1} does not play: ${describeError(error)}.`);
  });
  return element;
}

export function dropAudio(element: HTMLAudioElement | null): void {
  if (!element) return;
  element.pause();
  element.srcObject = null;
  element.remove();
}

/**
 * Puts a new microphone (or camera) track on a live call without a re-INVITE
 * (RTCRtpSender.replaceTrack), keeping the mute and hold state, and stops the old one.
 */
export async function replaceLocalTrack(
  session: Session,
  kind: 'audio' | 'video',
  constraints: MediaTrackConstraints | true,
  enabled: boolean,
): Promise<void> {
  const handler = handlerOf(session);
  const sender = handler?.peerConnection
    ?.getSenders()
    .find((candidate) => candidate.track?.kind === kind);
  if (!handler || !sender) return;

  const stream = await navigator.mediaDevices.getUserMedia({ [kind]: constraints });
  const [track] = kind === 'audio' ? stream.getAudioTracks() : stream.getVideoTracks();
  if (!track) return;
  track.enabled = enabled;
  const old = sender.track;
  await sender.replaceTrack(track);
  const local = handler.localMediaStream;
  if (old) {
    old.stop();
    local.removeTrack(old);
  }
  local.addTrack(track);
}
