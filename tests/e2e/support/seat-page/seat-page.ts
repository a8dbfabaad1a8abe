import {
  Inviter,
  Registerer,
  RegistererState,
  SessionState,
  SIPExtension,
  UserAgent,
  type Invitation,
  type Referral,
  type Session,
  Web,
} from 'sip.js';
import type { SeatInvite, SeatMediaStats, SeatPageApi, SeatPageConfig } from './api.js';

// A minimal auto-answering sip.js seat for the PBX-level WebRTC tests: registers over
// WebSocket, answers every INVITE with the (fake) microphone, reports getStats counts.
// It also plays a transferred citizen: it follows a REFER (RFC 3515) with a new call, with
// the Replaces it names, takes over a dialog on an INVITE with Replaces (RFC 3891), and
// can send a tone and sample what it hears for the three-way call test.

declare global {
  interface Window {
    hdSeat: SeatPageApi;
    hdSeatConfig: SeatPageConfig;
  }
}

const config = window.hdSeatConfig;
let current: Session | undefined;
let userAgent: UserAgent | undefined;
let audio: AudioContext | undefined;
let tone: { oscillator: OscillatorNode; mic: MediaStreamTrack | null } | undefined;

const CONSTRAINTS = { constraints: { audio: true, video: false } };
/** A citizen's video call (the sign-language line): the fake camera's test pattern too. */
const VIDEO_CONSTRAINTS = { constraints: { audio: true, video: true } };

function audioContext(): AudioContext {
  audio ??= new AudioContext();
  void audio.resume();
  return audio;
}

function audioSender(): RTCRtpSender | undefined {
  return peerConnection()
    ?.getSenders()
    .find((sender) => sender.track?.kind === 'audio');
}

/** The session a test reads: every state change of the newest one shows. */
function follow(session: Session): void {
  current = session;
  api.sessionState = session.state;
  session.stateChange.addListener((state) => {
    if (current === session) api.sessionState = state;
  });
  api.reInvites = 0;
  session.delegate = {
    ...session.delegate,
    onRefer: (referral) => onRefer(session, referral),
    onInvite: () => {
      if (current === session) api.reInvites += 1;
    },
  };
}

/** The far end transfers this seat: accept, call the target; the transferor hangs up. */
function onRefer(session: Session, referral: Referral): void {
  api.referrals.push(referral.request.getHeader('refer-to') ?? '');
  referral
    .accept()
    .then(() => {
      const inviter = referral.makeInviter({ sessionDescriptionHandlerOptions: CONSTRAINTS });
      follow(inviter);
      return inviter.invite();
    })
    .catch((err: unknown) => api.errors.push(`refer on ${session.id}: ${String(err)}`));
}

function peerConnection(): RTCPeerConnection | undefined {
  const sdh = current?.sessionDescriptionHandler;
  return sdh instanceof Web.SessionDescriptionHandler ? sdh.peerConnection : undefined;
}

async function stats(): Promise<SeatMediaStats> {
  const out: SeatMediaStats = { packetsReceived: 0, packetsSent: 0, bytesReceived: 0 };
  const pc = peerConnection();
  if (!pc) return out;
  const report = await pc.getStats();
  report.forEach((s: RTCStats & Record<string, unknown>) => {
    if (s.type === 'inbound-rtp' && s.kind === 'audio') {
      out.packetsReceived += Number(s.packetsReceived ?? 0);
      out.bytesReceived += Number(s.bytesReceived ?? 0);
    } else if (s.type === 'outbound-rtp' && s.kind === 'audio') {
      out.packetsSent += Number(s.packetsSent ?? 0);
    } else if (s.type === 'candidate-pair' && s.nominated) {
      out.candidatePair = String(s.state);
    }
  });
  return out;
}

const api: SeatPageApi = {
  registered: false,
  registrationState: 'Initial',
  sessionState: 'none',
  invites: [],
  errors: [],
  stats,
  descriptions() {
    const pc = peerConnection();
    return { local: pc?.localDescription?.sdp, remote: pc?.remoteDescription?.sdp };
  },
  call: (target: string) => dial(target, CONSTRAINTS),
  callWithVideo: (target: string) => dial(target, VIDEO_CONSTRAINTS),
  peerConnection,
  async hangup() {
    if (current?.state !== SessionState.Established) return;
    await current.bye({
      requestDelegate: {
        onAccept: (response) => api.byeAnswers.push(response.message.statusCode ?? 0),
        onReject: (response) => api.byeAnswers.push(response.message.statusCode ?? 0),
      },
    });
  },
  byeAnswers: [],
  reInvites: 0,
  referrals: [],
  async sendTone(freq: number) {
    const sender = audioSender();
    if (!sender) throw new Error('no call with an audio sender to put a tone on');
    if (tone) {
      tone.oscillator.stop();
      await sender.replaceTrack(tone.mic);
      tone = undefined;
    }
    if (freq <= 0) return;
    const context = audioContext();
    const oscillator = context.createOscillator();
    oscillator.frequency.value = freq;
    const gain = context.createGain();
    gain.gain.value = 0.3;
    const out = context.createMediaStreamDestination();
    oscillator.connect(gain).connect(out);
    oscillator.start();
    tone = { oscillator, mic: sender.track };
    const [track] = out.stream.getAudioTracks();
    if (!track) throw new Error('the oscillator made no track');
    await sender.replaceTrack(track);
  },
  async remoteSamples() {
    const sdh = current?.sessionDescriptionHandler;
    const stream = sdh instanceof Web.SessionDescriptionHandler ? sdh.remoteMediaStream : null;
    if (!stream || stream.getAudioTracks().length === 0) throw new Error('no remote audio');
    // Chromium feeds a remote WebRTC stream into WebAudio only while an element plays it.
    const element = new Audio();
    element.muted = true;
    element.srcObject = stream;
    await element.play().catch(() => undefined);
    const context = audioContext();
    const source = context.createMediaStreamSource(stream);
    const analyser = context.createAnalyser();
    // The largest block (≈ 0.7 s at 48 kHz): bins 1.5 Hz apart tell 1209 Hz from 1200 Hz.
    analyser.fftSize = 32768;
    source.connect(analyser);
    // Let the analyser's buffer fill with what arrives from now on.
    await new Promise((resolve) => setTimeout(resolve, 900));
    const block = new Float32Array(analyser.fftSize);
    analyser.getFloatTimeDomainData(block);
    source.disconnect();
    element.srcObject = null;
    return { sampleRate: context.sampleRate, samples: Array.from(block) };
  },
};
window.hdSeat = api;

async function dial(target: string, options: typeof CONSTRAINTS): Promise<void> {
  const ua = userAgent;
  const uri = UserAgent.makeURI(`sip:${target}@${config.domain}`);
  if (!ua || !uri) throw new Error(`cannot call ${target}`);
  const inviter = new Inviter(ua, uri, { sessionDescriptionHandlerOptions: options });
  follow(inviter);
  await inviter.invite();
}

function onInvite(invitation: Invitation): void {
  const req = invitation.request;
  const headers: Record<string, string> = {};
  for (const name of ['X-Hotline-Queue', 'X-Hotline-Wait-Ms', 'X-Hotline-Context', 'Replaces']) {
    const v = req.getHeader(name);
    if (v !== undefined) headers[name.toLowerCase()] = v;
  }
  const invite: SeatInvite = {
    callId: req.callId,
    from: req.from.uri.user ?? '',
    headers,
    at: Date.now(),
  };
  api.invites.push(invite);
  follow(invitation);
  // An INVITE with Replaces: sip.js ends the replaced dialog once this one is answered.
  setTimeout(() => {
    invitation
      .accept({
        sessionDescriptionHandlerOptions: CONSTRAINTS,
        extraHeaders: config.answerHeaders ?? [],
      })
      .catch((err: unknown) => api.errors.push(`accept: ${String(err)}`));
  }, config.answerDelayMs);
}

async function main(): Promise<void> {
  const uri = UserAgent.makeURI(`sip:${config.extension}@${config.domain}`);
  if (!uri) throw new Error(`bad seat URI for ${config.extension}@${config.domain}`);
  const ua = new UserAgent({
    uri,
    transportOptions: { server: config.wsUrl },
    sessionDescriptionHandlerFactoryOptions: {
      peerConnectionConfiguration: { iceServers: [] },
    },
    logLevel: 'warn',
    sipExtensionReplaces: SIPExtension.Supported,
    delegate: { onInvite },
  });
  userAgent = ua;
  await ua.start();
  const registerer = new Registerer(ua, { expires: 300 });
  registerer.stateChange.addListener((state) => {
    api.registrationState = state;
    api.registered = state === RegistererState.Registered;
  });
  await registerer.register();
}

main().catch((err: unknown) => api.errors.push(`start: ${String(err)}`));
