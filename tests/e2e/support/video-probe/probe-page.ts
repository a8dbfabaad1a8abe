/**
 * The in-page half of support/video-probe.ts: reads what a peer connection does with
 * video (getStats frame counters, the tracks its senders hold) and how a <video> element
 * plays it. Bundled by the test process and evaluated into a page (the seat's phone host,
 * a browser caller). Test scaffolding only.
 */

/** How one <video> element plays, as the media element reports it. */
export interface VideoElementState {
  videoWidth: number;
  videoHeight: number;
  currentTime: number;
  paused: boolean;
  /** HTMLMediaElement.readyState: 4 = enough data to play on. */
  readyState: number;
}

export interface VideoProbe {
  /** Frames decoded so far over every inbound-rtp video stream. */
  framesDecoded: number;
  /** Frames sent so far over every outbound-rtp video stream. */
  framesSent: number;
  /** The readyState of each video track a sender holds ('live', 'ended'); [] = no camera. */
  localVideo: MediaStreamTrackState[];
  /** Whether the negotiated SDP (local or remote) has a live m=video section. */
  videoNegotiated: boolean;
  /** The element that plays the far end's video; null when there is none. */
  element: VideoElementState | null;
}

export interface VideoProbeApi {
  /**
   * Probes `pc`. `element` is the page's own player of the far end (the seat's video panel);
   * without one the probe plays the far end's video track in an element of its own.
   */
  probe(pc: RTCPeerConnection | undefined, element?: HTMLVideoElement | null): Promise<VideoProbe>;
}

declare global {
  interface Window {
    hdVideoProbe?: VideoProbeApi;
  }
}

let own: HTMLVideoElement | undefined;

/** An element of the probe's own playing `track` (muted, so it may autoplay). */
function ownPlayer(track: MediaStreamTrack): HTMLVideoElement {
  if (!own) {
    own = document.createElement('video');
    own.muted = true;
    own.autoplay = true;
    own.playsInline = true;
    own.dataset.testid = 'probe-video';
    document.body.append(own);
  }
  const current = own.srcObject as MediaStream | null;
  if (current?.getVideoTracks()[0] !== track) {
    own.srcObject = new MediaStream([track]);
    void own.play().catch(() => undefined);
  }
  return own;
}

function hasLiveVideo(sdp: string | undefined): boolean {
  return /^m=video [1-9]/m.test(sdp ?? '');
}

function stateOf(element: HTMLVideoElement): VideoElementState {
  return {
    videoWidth: element.videoWidth,
    videoHeight: element.videoHeight,
    currentTime: element.currentTime,
    paused: element.paused,
    readyState: element.readyState,
  };
}

async function probe(
  pc: RTCPeerConnection | undefined,
  element?: HTMLVideoElement | null,
): Promise<VideoProbe> {
  const out: VideoProbe = {
    framesDecoded: 0,
    framesSent: 0,
    localVideo: [],
    videoNegotiated: false,
    element: null,
  };
  if (!pc) return out;

  const report = await pc.getStats();
  report.forEach((s: RTCStats & Record<string, unknown>) => {
    if (s.kind !== 'video') return;
    if (s.type === 'inbound-rtp') out.framesDecoded += Number(s.framesDecoded ?? 0);
    if (s.type === 'outbound-rtp') out.framesSent += Number(s.framesSent ?? 0);
  });
  for (const sender of pc.getSenders()) {
    if (sender.track?.kind === 'video') out.localVideo.push(sender.track.readyState);
  }
  out.videoNegotiated =
    hasLiveVideo(pc.localDescription?.sdp) || hasLiveVideo(pc.remoteDescription?.sdp);

  if (element) {
    out.element = stateOf(element);
    return out;
  }
  const remote = pc
    .getReceivers()
    .map((receiver) => receiver.track)
    .find((track) => track.kind === 'video' && track.readyState === 'live');
  if (remote && out.videoNegotiated) out.element = stateOf(ownPlayer(remote));
  return out;
}

window.hdVideoProbe = { probe };
