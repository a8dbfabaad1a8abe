import {
  Inviter,
  Registerer,
  RegistererState,
  SessionState,
  UserAgent,
  type Invitation,
  type Session,
  Web,
} from 'sip.js';
import type { SeatInvite, SeatMediaStats, SeatPageApi, SeatPageConfig } from './api.js';

// A minimal auto-answering sip.js seat for the PBX-level WebRTC test: registers over
// WebSocket, answers every INVITE with the (fake) microphone, reports getStats counts.

declare global {
  interface Window {
    hdSeat: SeatPageApi;
    hdSeatConfig: SeatPageConfig;
  }
}

const config = window.hdSeatConfig;
let current: Session | undefined;
let userAgent: UserAgent | undefined;

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
  async call(target: string) {
    const ua = userAgent;
    const uri = UserAgent.makeURI(`sip:${target}@${config.domain}`);
    if (!ua || !uri) throw new Error(`cannot call ${target}`);
    const inviter = new Inviter(ua, uri, {
      sessionDescriptionHandlerOptions: { constraints: { audio: true, video: false } },
    });
    current = inviter;
    inviter.stateChange.addListener((state) => {
      api.sessionState = state;
    });
    await inviter.invite();
  },
  async hangup() {
    if (current?.state === SessionState.Established) await current.bye();
  },
};
window.hdSeat = api;

function onInvite(invitation: Invitation): void {
  const req = invitation.request;
  const headers: Record<string, string> = {};
  for (const name of ['X-Hotline-Queue', 'X-Hotline-Wait-Ms']) {
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
  current = invitation;
  invitation.stateChange.addListener((state) => {
    api.sessionState = state;
  });
  setTimeout(() => {
    invitation
      .accept({ sessionDescriptionHandlerOptions: { constraints: { audio: true, video: false } } })
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
