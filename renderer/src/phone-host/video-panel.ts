import type { PhoneCall, PhoneControl, PhoneEvent } from '../phone/phone-types';
import { hostText } from './host-text';

/** What the engine may offer beyond PhoneControl for video (the sign-language seat). */
export interface VideoSource {
  remoteMediaStream?(callId: string): MediaStream | null | undefined;
  localMediaStream?(callId: string): MediaStream | null | undefined;
}

/**
 * The video of a live video call (sign-language seat), shown over the desk by the page
 * that holds the peer connection, so it keeps playing while the desk reloads. It shows
 * while a call with `video` is active and hides when that call ends or goes on hold.
 */
export class VideoPanel {
  readonly element: HTMLElement;
  private readonly remote: HTMLVideoElement;
  private readonly local: HTMLVideoElement;
  private shown: string | null = null;

  constructor(
    doc: Document,
    private readonly engine: PhoneControl & VideoSource,
  ) {
    const text = hostText(doc);
    this.element = doc.createElement('section');
    this.element.className = 'video-panel';
    this.element.dataset.testid = 'video-panel';
    this.element.setAttribute('aria-label', text.videoPanel);
    this.element.hidden = true;
    // Both muted: the far end's stream carries its voice too, which the line's audio
    // element already plays (with the chosen speaker, the mute and the three-way mix); an
    // unmuted video element would play it a second time, on the default device.
    this.remote = video(doc, 'remote-video', text.remoteVideo);
    this.local = video(doc, 'local-video', text.localVideo);
    this.element.append(this.remote, this.local);
    doc.body.append(this.element);
  }

  onPhoneEvent(event: PhoneEvent): void {
    if (event.type !== 'call') return;
    const call = event.call;
    if (showsVideo(call)) this.show(call.callId);
    else if (this.shown === call.callId) this.hide();
  }

  private show(callId: string): void {
    const remote = this.engine.remoteMediaStream?.(callId) ?? null;
    const local = this.engine.localMediaStream?.(callId) ?? null;
    // The streams may come a moment after the call turns active; a later event retries.
    if (!remote) return;
    this.shown = callId;
    this.element.dataset.callId = callId;
    if (this.remote.srcObject !== remote) this.remote.srcObject = remote;
    if (this.local.srcObject !== local) this.local.srcObject = local;
    this.local.hidden = local === null;
    this.element.hidden = false;
    void this.remote.play().catch(() => undefined);
    void this.local.play().catch(() => undefined);
  }

  private hide(): void {
    this.shown = null;
    this.element.hidden = true;
    delete this.element.dataset.callId;
    this.remote.srcObject = null;
    this.local.srcObject = null;
  }
}

function showsVideo(call: PhoneCall): boolean {
  return call.video && call.phase === 'active' && !call.held;
}

/** A muted, inline-playing video element: pictures only, the sound goes elsewhere. */
function video(doc: Document, testId: string, label: string): HTMLVideoElement {
  const el = doc.createElement('video');
  el.dataset.testid = testId;
  el.className = testId;
  el.autoplay = true;
  el.playsInline = true;
  el.muted = true;
  el.setAttribute('aria-label', label);
  return el;
}
