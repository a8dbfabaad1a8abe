import { vi } from 'vitest';
import { mediaSections } from '../sdp-direction';

/**
 * Just enough WebRTC and DOM for sip.js's session description handler to run in Node:
 * peer connections that write SDP from their transceivers' directions, tracks, streams,
 * getUserMedia, and audio elements. Installed as globals by installFakeWebRtc().
 */
export class FakeTrack {
  enabled = true;
  stopped = false;
  readonly id = `track-${Math.random().toString(36).slice(2, 10)}`;
  constructor(
    readonly kind: 'audio' | 'video',
    readonly deviceId = 'default',
  ) {}
  stop() {
    this.stopped = true;
  }
}

export class FakeStream extends EventTarget {
  private readonly tracks: FakeTrack[] = [];
  constructor(tracks: FakeTrack[] = []) {
    super();
    this.tracks.push(...tracks);
  }
  getTracks() {
    return [...this.tracks];
  }
  getAudioTracks() {
    return this.tracks.filter((track) => track.kind === 'audio');
  }
  getVideoTracks() {
    return this.tracks.filter((track) => track.kind === 'video');
  }
  getTrackById(id: string) {
    return this.tracks.find((track) => track.id === id) ?? null;
  }
  addTrack(track: FakeTrack) {
    if (!this.tracks.includes(track)) this.tracks.push(track);
  }
  removeTrack(track: FakeTrack) {
    const at = this.tracks.indexOf(track);
    if (at >= 0) this.tracks.splice(at, 1);
  }
}

class FakeTrackEvent extends Event {
  readonly track: FakeTrack;
  constructor(type: string, init: { track: FakeTrack }) {
    super(type);
    this.track = init.track;
  }
}

export class FakeSender {
  readonly dtmfSent: string[] = [];
  readonly dtmf = { insertDTMF: (tones: string) => this.dtmfSent.push(tones) };
  constructor(public track: FakeTrack | null) {}
  replaceTrack(track: FakeTrack | null) {
    this.track = track;
    return Promise.resolve();
  }
}

export class FakeTransceiver {
  readonly sender: FakeSender;
  readonly receiver: { track: FakeTrack };
  constructor(
    readonly kind: 'audio' | 'video',
    public direction: RTCRtpTransceiverDirection,
    track: FakeTrack | null,
  ) {
    this.sender = new FakeSender(track);
    this.receiver = { track: new FakeTrack(kind) };
  }
}

type Description = { type: string; sdp: string };

export class FakePeerConnection {
  static all: FakePeerConnection[] = [];
  signalingState: RTCSignalingState = 'stable';
  iceGatheringState = 'complete';
  connectionState = 'new';
  localDescription: Description | null = null;
  remoteDescription: Description | null = null;
  /** Every remote description applied, in order (F04: the answer exactly once). */
  readonly remoteApplied: Description[] = [];
  readonly transceivers: FakeTransceiver[] = [];
  closed = false;
  ontrack: ((event: { track: FakeTrack; streams: FakeStream[] }) => void) | null = null;

  constructor() {
    FakePeerConnection.all.push(this);
  }

  getTransceivers() {
    return this.transceivers;
  }
  getSenders() {
    return this.transceivers.map((t) => t.sender);
  }
  getReceivers() {
    return this.transceivers.map((t) => t.receiver);
  }
  addTrack(track: FakeTrack) {
    const free = this.transceivers.find((t) => t.kind === track.kind && !t.sender.track);
    if (free) {
      free.sender.track = track;
      if (free.direction === 'recvonly') free.direction = 'sendrecv';
      return free.sender;
    }
    const transceiver = new FakeTransceiver(track.kind, 'sendrecv', track);
    this.transceivers.push(transceiver);
    return transceiver.sender;
  }
  private sdp(): string {
    const lines = ['v=0', 'o=- 2 2 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0'];
    for (const t of this.transceivers) {
      lines.push(`m=${t.kind} 9 UDP/TLS/RTP/SAVPF 111`, `a=${t.direction}`);
    }
    return `${lines.join('\r\n')}\r\n`;
  }
  createOffer() {
    return Promise.resolve({ type: 'offer', sdp: this.sdp() });
  }
  createAnswer() {
    return Promise.resolve({ type: 'answer', sdp: this.sdp() });
  }
  setLocalDescription(description: Description) {
    if (description.type === 'rollback') {
      this.signalingState = 'stable';
      return Promise.resolve();
    }
    this.localDescription = description;
    this.signalingState = description.type === 'offer' ? 'have-local-offer' : 'stable';
    return Promise.resolve();
  }
  setRemoteDescription(description: Description) {
    if (description.type === 'answer' && this.signalingState !== 'have-local-offer') {
      return Promise.reject(new Error(`Cannot apply an answer in state ${this.signalingState}`));
    }
    this.remoteDescription = description;
    this.remoteApplied.push(description);
    if (description.type === 'offer') {
      for (const section of mediaSections(description.sdp)) {
        const kind = section.kind as 'audio' | 'video';
        if (section.port > 0 && !this.transceivers.some((t) => t.kind === kind)) {
          this.transceivers.push(new FakeTransceiver(kind, 'recvonly', null));
        }
      }
      this.signalingState = 'have-remote-offer';
    } else this.signalingState = 'stable';
    for (const t of this.transceivers) {
      this.ontrack?.({ track: t.receiver.track, streams: [] });
    }
    return Promise.resolve();
  }
  getStats() {
    return Promise.resolve(new Map());
  }
  close() {
    this.closed = true;
    this.signalingState = 'closed';
  }
}

export interface FakeAudio {
  dataset: Record<string, string>;
  srcObject: unknown;
  sinkId: string;
  removed: boolean;
  play(): Promise<void>;
  pause(): void;
  remove(): void;
  setSinkId(id: string): Promise<void>;
}

export interface FakeMedia {
  elements: FakeAudio[];
  getUserMedia: ReturnType<typeof vi.fn>;
  /** Makes the next getUserMedia calls fail with a DOMException-like error of that name. */
  failNext(name: string | null): void;
}

/** Stubs the globals; undo with vi.unstubAllGlobals(). */
export function installFakeWebRtc(): FakeMedia {
  FakePeerConnection.all = [];
  let failure: string | null = null;
  const elements: FakeAudio[] = [];
  const getUserMedia = vi.fn((constraints: MediaStreamConstraints) => {
    if (failure) {
      const error = new Error(`${failure} (fake)`);
      error.name = failure;
      return Promise.reject(error);
    }
    const tracks: FakeTrack[] = [];
    const id = (c: unknown) => {
      const wanted = (c as { deviceId?: { ideal?: string } } | undefined)?.deviceId?.ideal;
      return wanted ?? 'default';
    };
    if (constraints.audio) tracks.push(new FakeTrack('audio', id(constraints.audio)));
    if (constraints.video) tracks.push(new FakeTrack('video', id(constraints.video)));
    return Promise.resolve(new FakeStream(tracks));
  });
  vi.stubGlobal('RTCPeerConnection', FakePeerConnection);
  vi.stubGlobal('MediaStream', FakeStream);
  vi.stubGlobal('MediaStreamTrackEvent', FakeTrackEvent);
  vi.stubGlobal('window', new EventTarget());
  vi.stubGlobal('navigator', {
    mediaDevices: {
      getUserMedia,
      enumerateDevices: () => Promise.resolve([]),
      addEventListener: () => undefined,
      removeEventListener: () => undefined,
    },
  });
  vi.stubGlobal('document', {
    createElement: () => {
      const element: FakeAudio = {
        dataset: {},
        srcObject: null,
        sinkId: '',
        removed: false,
        play: () => Promise.resolve(),
        pause: () => undefined,
        remove: () => {
          element.removed = true;
        },
        setSinkId: (sinkId: string) => {
          element.sinkId = sinkId;
          return Promise.resolve();
        },
      };
      elements.push(element);
      return element;
    },
    body: { append: () => undefined },
  });
  return {
    elements,
    getUserMedia,
    failNext: (name) => {
      failure = name;
    },
  };
}
