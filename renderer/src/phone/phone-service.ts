import {
  Invitation,
  Inviter,
  RegistererState,
  SessionState,
  SIPExtension,
  UserAgent,
  Web,
  type Core,
  type LogLevel as SipLogLevel,
  type Referral,
  type Session,
  type Transport,
} from 'sip.js';
import type { SipConfig } from '../../../shared/hub-api';
import { maskPhone } from '../../../shared/domain/phone';
import { Backoff } from '../lib/backoff';
import { createLogger, describeError } from '../lib/log';
import { CallBook, MAX_LINES } from './call-book';
import {
  applySpeaker,
  applyTrackStates,
  dropAudio,
  handlerOf,
  remoteAudio,
  replaceLocalTrack,
} from './call-media';
import { failedTransfer, referTo, replacesOf, sendRefer, stateAfterNotify } from './call-transfer';
import { ConferenceMix } from './conference-mix';
import {
  audioConstraints,
  checkPrefs,
  loadPrefs,
  savePrefs,
  seatInstanceId,
  videoConstraints,
  type PhoneStorage,
} from './device-prefs';
import { CONTEXT_HEADER, contextFromInvite, offerFromInvite, sipIdentity } from './invite-info';
import { withJitter } from './jitter';
import { listSeatDevices } from './media-devices';
import {
  checkContextCallId,
  checkDialTarget,
  checkDtmfDigits,
  DTMF_INFO_CONTENT_TYPE,
  dtmfInfoBody,
  sdpHasTelephoneEvent,
} from './phone-input';
import type {
  CallOutcome,
  CallTransfer,
  DevicePrefs,
  DialOptions,
  DtmfMode,
  PhoneCall,
  PhoneControl,
  PhoneEvent,
  PhoneSnapshot,
  PhoneStartOptions,
  RegistrationState,
  SeatDevices,
  SipFailure,
  SipFailureCode,
} from './phone-types';
import { Ringer } from './ringer';
import { offersVideo } from './sdp-direction';
import { seatSdhFactory } from './seat-sdh';
import { SeatTransport } from './seat-transport';
import { SerialRegisterer } from './serial-registerer';
import { cancelledByAgent, failureFromError, sipFailure } from './sip-failure';

export { sipFailure } from './sip-failure';

const log = createLogger('seat.sip.call');
const regLog = createLogger('seat.sip.registration');
const sipLog = createLogger('seat.sip.stack');

/** Registration lifetime asked of the registrar; sip.js refreshes it before it runs out. */
const REGISTER_EXPIRES_S = 300;
/** CRLF ping every ~15 s (sip.js spreads it over 80-100 %): keeps NAT and proxy state. */
const KEEP_ALIVE_S = 15;
/** How long stop() waits for the un-REGISTER and the UA to wind down. */
const STOP_WAIT_MS = 2000;
/** RFC 4733 tone and gap lengths, in ms. */
const DTMF_TONE_MS = 100;
const DTMF_GAP_MS = 70;
/**
 * After a transfer is taken, how long the far end has to end the call itself (a transferee
 * may BYE once its new call stands) before the seat sends the BYE (RFC 5589 §6).
 */
const TRANSFER_BYE_GRACE_MS = 1000;
/**
 * How long a transfer may stay pending after the far end took the REFER (202) without a
 * NOTIFY that decides it; then it counts as failed (timeout), so another can be tried.
 */
export const TRANSFER_DECISION_TIMEOUT_MS = 30_000;

export interface PhoneServiceOptions {
  /** Where device prefs and the seat's instance id are kept (the engine page's storage). */
  storage?: PhoneStorage;
  now?: () => number;
  /** The SIP transport class; the seat's WebSocket one unless a test brings a fake wire. */
  transport?: new (logger: Core.Logger, options: Web.TransportOptions) => Transport;
  /** Makes the AudioContexts of the ringer and of a three-way call's mix. */
  audioContext?: () => AudioContext;
}

/** A call on a line and what has happened to it so far. */
interface Line {
  session: Invitation | Inviter;
  call: PhoneCall;
  line: number;
  audio: HTMLAudioElement | null;
  answering: boolean;
  hangupRequested: boolean;
  /** The far end gave up (CANCEL) or the agent cancelled an outbound call. */
  cancelled: boolean;
  finished: boolean;
  /** The BYE that ends a transferred call unless its far end ends it first. */
  transferBye: ReturnType<typeof setTimeout> | null;
  /** Fails a transfer still pending this long after its 202 (TRANSFER_DECISION_TIMEOUT_MS). */
  transferTimeout: ReturnType<typeof setTimeout> | null;
  /** A hold or resume re-INVITE of this seat's is in flight: one at a time. */
  reinviting: boolean;
}

/** The three-way call: the mix and its two lines. */
interface Mix {
  mix: ConferenceMix;
  a: string;
  b: string;
}

/** The session's state now (a plain read, so the compiler does not narrow it across awaits). */
function stateOf(session: Session): SessionState {
  return session.state;
}

/** A final response sip.js made itself (transport error, timeout) carries no Via. */
function isLocal(response: Core.IncomingResponse): boolean {
  return response.message.getHeader('via') === undefined;
}

/**
 * The seat's softphone: a small facade over sip.js (one UserAgent, one Registerer, a
 * WebSocket transport) that keeps live SIP sessions and media to itself and reports plain
 * PhoneEvents. Two lines: the call with a citizen and one more for a consult call. An
 * INVITE while any call is live is answered 486 Busy Here (RFC 3261 §21.4.24); Kamailio
 * re-queues such a call at the hub, which routes it to the next free agent.
 *
 * It stays registered on its own: a dropped transport reconnects after a doubling,
 * jittered delay and re-registers with the same Registerer and Contact (one binding per
 * seat); calls live on through a transport loss as long as their media path does.
 */
export class PhoneService implements PhoneControl {
  private readonly listeners = new Set<(event: PhoneEvent) => void>();
  private readonly ringer: Ringer;
  private readonly makeAudioContext: () => AudioContext;
  private readonly backoff = new Backoff(1000, 30_000);
  private readonly book = new CallBook<Omit<Line, 'line'>>();
  private readonly storage: PhoneStorage | undefined;
  private readonly now: () => number;
  private readonly transport: NonNullable<PhoneServiceOptions['transport']>;
  private prefs: DevicePrefs;
  private microphone: SeatDevices['microphone'] = 'unknown';
  private config: SipConfig | null = null;
  private dtmf: DtmfMode = 'rfc4733';
  private ua: UserAgent | null = null;
  private registerer: SerialRegisterer | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private running = false;
  private registration: RegistrationState = 'idle';
  private registrationDetail: string | null = null;
  private mix: Mix | null = null;

  constructor(options: PhoneServiceOptions = {}) {
    this.makeAudioContext = options.audioContext ?? (() => new AudioContext());
    this.ringer = new Ringer(this.makeAudioContext);
    this.storage = options.storage;
    this.now = options.now ?? (() => Date.now());
    this.transport = options.transport ?? SeatTransport;
    this.prefs = loadPrefs(this.storage);
    this.configureRinger();
  }

  subscribe(listener: (event: PhoneEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async snapshot(): Promise<PhoneSnapshot> {
    return {
      started: this.running,
      registration: this.registration,
      registrationDetail: this.registrationDetail,
      calls: this.book.calls(),
      devices: { ...this.prefs },
    };
  }

  /** A line's peer connection (the first live call when no id is given), for debug stats. */
  peerConnection(callId?: string): RTCPeerConnection | undefined {
    const line = callId ? this.book.get(callId) : this.book.lines()[0];
    return line ? handlerOf(line.session)?.peerConnection : undefined;
  }

  /** What the far end sends on a call (audio, and video on the sign-language seat). */
  remoteMediaStream(callId: string): MediaStream | undefined {
    const line = this.book.get(callId);
    return line ? handlerOf(line.session)?.remoteMediaStream : undefined;
  }

  /** What the seat sends on a call: its microphone, and its camera on a video call. */
  localMediaStream(callId: string): MediaStream | undefined {
    const line = this.book.get(callId);
    return line ? handlerOf(line.session)?.localMediaStream : undefined;
  }

  // ── Start and stop ─────────────────────────────────────────────────────────

  async start(config: SipConfig, options: PhoneStartOptions = {}): Promise<void> {
    if (this.ua) await this.stop();

    const { aorUser, authUser } = sipIdentity(config);
    const uri = UserAgent.makeURI(`sip:${aorUser}@${config.domain}`);
    if (!uri) {
      this.setRegistration('failed', `sip:${aorUser}@${config.domain} is not a SIP address`);
      return;
    }
    this.config = config;
    this.dtmf = options.dtmf ?? 'rfc4733';

    // The same Contact on every start of this seat's phone page (see seatInstanceId).
    const instanceId = seatInstanceId(this.storage);
    const token = instanceId.replace(/-/g, '');
    const ua: UserAgent = new UserAgent({
      uri,
      displayName: config.displayName,
      authorizationUsername: authUser,
      authorizationPassword: config.password,
      transportConstructor: this.transport,
      transportOptions: { server: config.wsUrl, traceSip: false, keepAliveInterval: KEEP_ALIVE_S },
      instanceId,
      instanceIdAlwaysAdded: true,
      contactName: `s${token.slice(0, 12)}`,
      viaHost: `${token.slice(12, 24)}.invalid`,
      userAgentString: 'HotlineDesk/0.2 (sip.js 0.21)',
      // An INVITE with Replaces (RFC 3891) takes over a live call: a consult call of this
      // seat becomes the citizen's call when the agent completes an attended transfer.
      sipExtensionReplaces: SIPExtension.Supported,
      logBuiltinEnabled: false,
      logLevel: 'warn',
      // sip.js hands every level to the connector whatever logLevel says: keep warn and error.
      logConnector: (level: SipLogLevel, category: string, _label, content: string) => {
        if (level === 'error') sipLog.error(`${category}: ${content}`);
        else if (level === 'warn') sipLog.warn(`${category}: ${content}`);
      },
      sessionDescriptionHandlerFactory: seatSdhFactory({
        mediaStreamFactory: Web.defaultMediaStreamFactory(),
        onRemoteSdp: (session, _sdp, held) => this.onRemoteSdp(session, held),
      }),
      sessionDescriptionHandlerFactoryOptions: {
        // Loopback and LAN only: no STUN server to wait for.
        peerConnectionConfiguration: { iceServers: [] },
        iceGatheringTimeout: 500,
      },
      // A UA being stopped after a newer start() still reports; only the current one counts.
      delegate: {
        onConnect: () => {
          if (this.ua === ua) this.onTransportUp();
        },
        onDisconnect: (error?: Error) => {
          if (this.ua === ua) this.onTransportDown(error);
        },
        onInvite: (invitation: Invitation) => {
          if (this.ua === ua) this.onInvite(invitation);
          else void invitation.reject({ statusCode: 480 }).catch(() => undefined);
        },
      },
    });
    const registerer = new SerialRegisterer(ua, { expires: REGISTER_EXPIRES_S });
    registerer.stateChange.addListener((state) => {
      if (this.registerer === registerer) this.onRegistererState(state);
    });
    registerer.inFlightChange.addListener((inFlight) => {
      // Every final answer, also to a re-REGISTER after a reconnect or a 423 retry, which
      // change no state: the status follows the registrar, not only the Registerer.
      if (this.registerer !== registerer || inFlight || !this.running) return;
      if (registerer.state === RegistererState.Registered) {
        this.backoff.reset();
        this.setRegistration('registered', null);
      }
    });

    this.ua = ua;
    this.registerer = registerer;
    this.running = true;
    window.addEventListener('online', this.onOnline);
    this.watchDevices(true);

    this.setRegistration('connecting', null);
    regLog.info(`Starting ${uri.toString()} over ${config.wsUrl}.`);
    try {
      await ua.start();
    } catch (error) {
      if (this.ua !== ua) return; // Stopped meanwhile.
      this.setRegistration('failed', `cannot reach ${config.wsUrl}: ${describeError(error)}`);
      this.retryLater();
    }
  }

  async stop(): Promise<void> {
    const ua = this.ua;
    const registerer = this.registerer;
    this.running = false;
    this.clearRetry();
    window.removeEventListener('online', this.onOnline);
    this.watchDevices(false);
    if (!ua) return;

    await Promise.all(this.book.lines().map((line) => this.hangup(line.call.callId))).catch(
      () => undefined,
    );
    this.ua = null;
    this.registerer = null;
    // dispose() unregisters, after the REGISTER in flight if there is one; a registrar
    // that does not answer must not hold the sign-out for Timer F's 32 s.
    await within(STOP_WAIT_MS, registerer?.dispose());
    await within(STOP_WAIT_MS, ua.stop());
    for (const line of this.book.lines()) this.finish(line);
    // A start() while this stop ran owns the registration state now.
    if (!this.ua) this.setRegistration('idle', null);
  }

  // ── Calls ──────────────────────────────────────────────────────────────────

  async answer(callId: string): Promise<void> {
    const line = this.line(callId);
    const session = line.session;
    if (!(session instanceof Invitation)) throw new Error(`Call ${callId} is outbound`);
    if (session.state !== SessionState.Initial || line.answering) return;

    line.answering = true;
    this.ringer.stop();
    this.update(line, { phase: 'connecting' });
    log.info(`Answering call ${callId}${line.call.video ? ' with video' : ''}.`);
    try {
      await session.accept({
        sessionDescriptionHandlerOptions: {
          constraints: {
            audio: audioConstraints(this.prefs),
            video: line.call.video ? videoConstraints(this.prefs) : false,
          },
        },
      });
    } catch (error) {
      const failure = failureFromError(error);
      if (failure.code === 'no-microphone') this.noteMicrophone(failure);
      line.call.failure = failure;
      log.error(`Answering call ${callId} failed: ${failure.code} (${failure.detail}).`);
    } finally {
      line.answering = false;
    }

    // Read again: the session moved on while accept() ran.
    const state = stateOf(session);
    if (state === SessionState.Terminated) this.finish(line);
    else if (state === SessionState.Established && line.hangupRequested) {
      await this.hangup(callId);
    }
  }

  async hangup(callId: string): Promise<void> {
    const line = this.line(callId);
    line.hangupRequested = true;
    const session = line.session;

    if (session instanceof Inviter) {
      if (session.state === SessionState.Initial || session.state === SessionState.Establishing) {
        line.cancelled = true;
        log.info(`Cancelling call ${callId}.`);
        await session.cancel().catch((error: unknown) => {
          log.warn(`CANCEL for call ${callId} failed: ${describeError(error)}.`);
        });
        return;
      }
    } else if (session.state === SessionState.Initial) {
      log.info(`Declining call ${callId}.`);
      await session.reject({ statusCode: 486 }).catch((error: unknown) => {
        log.warn(`Declining call ${callId} failed: ${describeError(error)}.`);
      });
      return;
    } else if (session.state === SessionState.Establishing) {
      // The 200 OK is on its way; answer() sends the BYE once the dialog stands.
      return;
    }

    if (session.state === SessionState.Established) {
      log.info(`Hanging up call ${callId}.`);
      await session.bye().catch((error: unknown) => {
        log.warn(`BYE for call ${callId} failed: ${describeError(error)}.`);
      });
    }
  }

  hold(callId: string): Promise<void> {
    return this.setHold(callId, true);
  }

  resume(callId: string): Promise<void> {
    return this.setHold(callId, false);
  }

  async setMuted(callId: string, muted: boolean): Promise<void> {
    const line = this.line(callId);
    if (line.call.muted === muted) return;
    const mix = this.mixOf(callId);
    if (mix) {
      // The agent's microphone is muted in both mixes; the far ends still hear each other.
      mix.mix.setMuted(muted);
      log.info(`Three-way call ${mix.a} + ${mix.b} is ${muted ? 'muted' : 'unmuted'}.`);
      for (const id of [mix.a, mix.b]) {
        const member = this.book.get(id);
        if (member) this.update(member, { muted });
      }
      return;
    }
    applyTrackStates(line.session, { muted, held: line.call.held });
    log.info(`Call ${callId} is ${muted ? 'muted' : 'unmuted'}.`);
    this.update(line, { muted });
  }

  async sendDtmf(callId: string, digits: string): Promise<void> {
    const tones = checkDtmfDigits(digits);
    const line = this.line(callId);
    const session = line.session;
    if (session.state !== SessionState.Established) {
      throw new Error(`Call ${callId} is not answered; DTMF needs an answered call`);
    }

    // The agent's choice (device settings) first, else the centre's (start option).
    let mode = this.prefs.dtmf ?? this.dtmf;
    const remoteSdp = handlerOf(session)?.peerConnection?.remoteDescription?.sdp;
    if (mode === 'rfc4733' && remoteSdp !== undefined && !sdpHasTelephoneEvent(remoteSdp)) {
      log.warn(`Call ${callId}: the far end took no telephone-event; DTMF goes as SIP INFO.`);
      mode = 'info';
    }
    if (mode === 'info') {
      for (const tone of tones) {
        await session.info({
          requestOptions: {
            body: {
              contentDisposition: 'render',
              contentType: DTMF_INFO_CONTENT_TYPE,
              content: dtmfInfoBody(tone),
            },
          },
        });
      }
    } else {
      const sent = handlerOf(session)?.sendDtmf(tones, {
        duration: DTMF_TONE_MS,
        interToneGap: DTMF_GAP_MS,
      });
      if (!sent) throw new Error(`Call ${callId} has no RTP sender for DTMF (RFC 4733)`);
    }
    log.info(`Sent ${tones.length} DTMF digit(s) on call ${callId} (${mode}).`);
  }

  async dial(target: string, options: DialOptions = {}): Promise<string> {
    const number = checkDialTarget(target);
    const context =
      options.contextCallId === undefined ? null : checkContextCallId(options.contextCallId);
    const video = options.video === true;
    const ua = this.ua;
    if (!ua || !this.running || !this.config) throw new Error('The phone is not started');
    if (this.book.liveCount >= MAX_LINES) throw new Error('Both lines are in use');
    const uri = UserAgent.makeURI(`sip:${number}@${this.config.domain}`);
    if (!uri) throw new Error(`sip:${number}@${this.config.domain} is not a SIP address`);

    const inviter = new Inviter(ua, uri, {
      // A trunk plays ringback or "the number is off" in a 183: let the agent hear it.
      earlyMedia: true,
      extraHeaders: context ? [`${CONTEXT_HEADER}: ${context}`] : [],
      sessionDescriptionHandlerOptions: {
        constraints: {
          audio: audioConstraints(this.prefs),
          video: video ? videoConstraints(this.prefs) : false,
        },
      },
    });
    return this.placeCall(inviter, number, { video, contextCallId: context });
  }

  // ── Transfers and three-way calls ──────────────────────────────────────────

  async transfer(callId: string, target: string): Promise<void> {
    const number = checkDialTarget(target);
    const line = this.transferable(callId);
    const transfer: CallTransfer = {
      kind: 'blind',
      target: number,
      state: 'pending',
      failure: null,
    };
    await this.refer(line, transfer, referTo(number, this.domain()), null);
  }

  async completeTransfer(callId: string, consultCallId: string): Promise<void> {
    if (callId === consultCallId) {
      throw new Error(`Call ${callId} cannot be transferred to itself`);
    }
    const line = this.transferable(callId, consultCallId);
    const consult = this.line(consultCallId);
    if (consult.session.state !== SessionState.Established) {
      throw new Error(`Consult call ${consultCallId} is not answered; transfer blind instead`);
    }
    if (this.mixOf(callId)) await this.unmix(); // merge and leave: the mix ends first
    const replaces = replacesOf(consult.session);
    const transfer: CallTransfer = {
      kind: 'attended',
      target: consult.call.remote,
      state: 'pending',
      failure: null,
    };
    await this.refer(
      line,
      transfer,
      referTo(consult.call.remote, this.domain(), replaces),
      consult,
    );
  }

  async conference(callIdA: string, callIdB: string): Promise<void> {
    if (callIdA === callIdB) throw new Error(`Call ${callIdA} cannot be mixed with itself`);
    if (this.mix) throw new Error(`Calls ${this.mix.a} and ${this.mix.b} are mixed already`);
    const a = this.line(callIdA);
    const b = this.line(callIdB);
    for (const line of [a, b]) {
      if (line.session.state !== SessionState.Established) {
        throw new Error(`Call ${line.call.callId} is not answered; only answered calls mix`);
      }
    }
    for (const line of [a, b]) if (line.call.held) await this.setHold(line.call.callId, false);

    const senderA = audioSender(a.session);
    const senderB = audioSender(b.session);
    const remoteA = handlerOf(a.session)?.remoteMediaStream;
    const remoteB = handlerOf(b.session)?.remoteMediaStream;
    const mic = senderA?.track;
    if (!senderA || !senderB || !mic || !remoteA || !remoteB) {
      throw new Error(`Calls ${callIdA} and ${callIdB} have no audio to mix yet`);
    }
    const muted = a.call.muted || b.call.muted;
    let mix: ConferenceMix;
    try {
      mix = await ConferenceMix.start(
        this.makeAudioContext(),
        mic,
        { sender: senderA, remote: remoteA },
        { sender: senderB, remote: remoteB },
        muted,
      );
    } catch (error) {
      // The mix put the lines' own tracks back; each line hears the seat as before.
      for (const line of [a, b]) applyTrackStates(line.session, line.call);
      log.warn(`Calls ${callIdA} and ${callIdB} could not be mixed: ${describeError(error)}.`);
      throw new Error(`Cannot start the three-way call: ${describeError(error)}`);
    }
    this.mix = { mix, a: callIdA, b: callIdB };
    log.info(`Calls ${callIdA} and ${callIdB} are a three-way call now.`);
    this.update(a, { conferencedWith: callIdB, muted });
    this.update(b, { conferencedWith: callIdA, muted });
  }

  async split(callId: string): Promise<void> {
    const mix = this.mixOf(callId);
    if (!mix) throw new Error(`Call ${callId} is not in a three-way call`);
    const other = mix.a === callId ? mix.b : mix.a;
    await this.unmix();
    // The agent goes on with `callId`; the other party waits on hold.
    await this.setHold(other, true);
  }

  async testRing(prefs: DevicePrefs): Promise<void> {
    const checked = checkPrefs(prefs);
    await this.ringer.playOnce({
      tone: checked.ringTone,
      volume: checked.ringVolume,
      deviceId: checked.ringerId,
    });
  }

  // ── Devices ────────────────────────────────────────────────────────────────

  async listDevices(): Promise<SeatDevices> {
    const devices = await listSeatDevices(mediaDevices());
    if (devices.microphone !== this.microphone) {
      this.microphone = devices.microphone;
      this.emitDevices();
    }
    return devices;
  }

  async setDevicePrefs(prefs: DevicePrefs): Promise<void> {
    const next = checkPrefs(prefs);
    const before = this.prefs;
    this.prefs = next;
    savePrefs(this.storage, next);
    this.configureRinger();

    for (const line of this.book.lines()) {
      if (line.audio && next.speakerId !== before.speakerId) {
        applySpeaker(line.audio, next.speakerId);
      }
      if (line.session.state !== SessionState.Established) continue;
      if (this.mixOf(line.call.callId)) {
        // TODO: a new microphone during a three-way call needs the mix rebuilt.
        log.warn(`Call ${line.call.callId} keeps its microphone until the three-way call ends.`);
        continue;
      }
      const { muted, held } = line.call;
      try {
        if (next.microphoneId !== before.microphoneId) {
          await replaceLocalTrack(line.session, 'audio', audioConstraints(next), !muted && !held);
        }
        if (line.call.video && next.cameraId !== before.cameraId) {
          await replaceLocalTrack(line.session, 'video', videoConstraints(next), !held);
        }
      } catch (error) {
        log.warn(`Call ${line.call.callId} keeps its devices: ${describeError(error)}.`);
      }
    }
    this.emitDevices();
  }

  // ── Inside ─────────────────────────────────────────────────────────────────

  private line(callId: string): Line {
    const line = this.book.get(callId);
    if (!line) throw new Error(`No live call ${callId}`);
    return line;
  }

  private addLine(
    session: Invitation | Inviter,
    fields: Pick<
      PhoneCall,
      'callId' | 'direction' | 'remote' | 'queue' | 'waitMs' | 'phase' | 'video' | 'contextCallId'
    >,
  ): Line {
    const line = this.book.add({
      session,
      call: {
        ...fields,
        conferencedWith: null,
        transfer: null,
        held: false,
        remoteHeld: false,
        muted: false,
        startedAt: this.now(),
        answeredAt: null,
        endedAt: null,
        outcome: null,
        failure: null,
      },
      audio: null,
      answering: false,
      hangupRequested: false,
      cancelled: false,
      finished: false,
      transferBye: null,
      transferTimeout: null,
      reinviting: false,
    });
    session.stateChange.addListener((state) => this.onSessionState(line, state));
    // RFC 3515: the far end may ask this seat to call someone else (it transfers us).
    session.delegate = {
      ...session.delegate,
      onRefer: (referral: Referral) => this.onRefer(line, referral),
    };
    this.emitCall(line);
    return line;
  }

  private onInvite(invitation: Invitation): void {
    const offer = offerFromInvite(invitation.request, invitation.remoteIdentity.uri.user);
    const caller = maskPhone(offer.caller);
    // sip.js matched a Replaces header (RFC 3891 §3) to one of our dialogs.
    const replacee = invitation.replacee;
    const replaced = replacee && this.book.lines().find((line) => line.session === replacee);
    if (replaced && this.book.liveCount >= MAX_LINES) {
      // TODO: both lines are taken; the replaced line could make room before the answer.
      log.warn(`Call ${offer.callId} would replace ${replaced.call.callId}; no free line.`);
      void invitation.reject({ statusCode: 486 }).catch(() => undefined);
      return;
    }
    if (this.book.liveCount > 0 && !replaced) {
      log.warn(`Call ${offer.callId} from ${caller} refused busy: a call is live.`);
      void invitation.reject({ statusCode: 486 }).catch(() => undefined);
      return;
    }

    const line = this.addLine(invitation, {
      callId: offer.callId,
      direction: 'inbound',
      remote: offer.caller,
      queue: offer.queue,
      waitMs: offer.waitMs,
      phase: 'ringing',
      video: offersVideo(invitation.body),
      contextCallId: contextFromInvite(invitation.request) ?? replaced?.call.contextCallId ?? null,
    });
    invitation.delegate = {
      ...invitation.delegate,
      onCancel: () => {
        line.cancelled = true;
      },
    };
    this.emit({ type: 'incoming', call: offer });
    if (replaced) {
      // An attended transfer to this seat completes: the citizen's call takes over the
      // consult call at once (sip.js ends the replaced one once this one is answered).
      log.info(`Call ${offer.callId} from ${caller} replaces call ${replaced.call.callId}.`);
      void this.answer(offer.callId).catch((error: unknown) => {
        log.error(`Taking over call ${replaced.call.callId} failed: ${describeError(error)}.`);
      });
      return;
    }
    log.info(`Call ${offer.callId} from ${caller} rings (queue ${offer.queue || '-'}).`);
    this.ringer.start();
  }

  /**
   * This seat is the transferee (RFC 3515 §2.4.2): accept the REFER and call the target,
   * with the Replaces header it names; sip.js reports the new call's progress to the
   * transferor in NOTIFYs, and the transferor ends the old call.
   */
  private onRefer(line: Line, referral: Referral): void {
    const ua = this.ua;
    const target = referral.referTo.uri;
    const number = decodeURIComponent(target.user ?? '');
    const free = this.book.liveCount < MAX_LINES;
    if (!ua || !this.running || !free || !number) {
      const why = !free ? 'both lines are in use' : 'the phone cannot call now';
      log.warn(`REFER on call ${line.call.callId} refused: ${why}.`);
      void referral.reject({ statusCode: 503 }).catch(() => undefined);
      return;
    }
    log.info(`Call ${line.call.callId} is transferred by the far end to ${maskPhone(number)}.`);
    void referral
      .accept()
      .then(() => {
        const inviter = referral.makeInviter({
          earlyMedia: true,
          sessionDescriptionHandlerOptions: {
            constraints: { audio: audioConstraints(this.prefs), video: false },
          },
        });
        return this.placeCall(inviter, number, {
          video: false,
          contextCallId: line.call.contextCallId,
        });
      })
      .catch((error: unknown) => {
        log.error(
          `Following the REFER on call ${line.call.callId} failed: ${describeError(error)}.`,
        );
      });
  }

  /** Places an outbound call made by dial() or by following a REFER; resolves with its id. */
  private async placeCall(
    inviter: Inviter,
    number: string,
    fields: Pick<PhoneCall, 'video' | 'contextCallId'>,
  ): Promise<string> {
    const callId = inviter.request.callId;
    const line = this.addLine(inviter, {
      callId,
      direction: 'outbound',
      remote: number,
      queue: '',
      waitMs: 0,
      phase: 'dialing',
      ...fields,
    });
    log.info(
      `Dialling ${maskPhone(number)} as call ${callId}${fields.video ? ' with video' : ''}.`,
    );

    try {
      await inviter.invite({
        requestDelegate: {
          onReject: (response) => {
            const { statusCode, reasonPhrase } = response.message;
            const detail = `${statusCode} ${reasonPhrase}`;
            line.call.failure =
              statusCode === 503 && isLocal(response)
                ? { code: 'network', status: null, detail: 'the PBX could not be reached' }
                : sipFailure(statusCode ?? null, detail);
          },
        },
      });
      this.attachAudio(line); // Early media plays as soon as it comes.
    } catch (error) {
      const failure = failureFromError(error);
      if (failure.code === 'no-microphone') this.noteMicrophone(failure);
      line.call.failure ??= failure;
      log.error(`Call ${callId} not placed: ${failure.code} (${failure.detail}).`);
      if (stateOf(inviter) === SessionState.Terminated) this.finish(line);
    }
    return callId;
  }

  /** The line of `callId` if a transfer may start on it now; throws saying why not. */
  private transferable(callId: string, consultCallId?: string): Line {
    const line = this.line(callId);
    if (line.session.state !== SessionState.Established) {
      throw new Error(`Call ${callId} is not answered; only an answered call can be transferred`);
    }
    if (line.call.transfer?.state === 'pending') {
      throw new Error(`Call ${callId} is being transferred already`);
    }
    const mix = this.mixOf(callId);
    if (mix && consultCallId !== (mix.a === callId ? mix.b : mix.a)) {
      throw new Error(`Call ${callId} is in a three-way call; split it first`);
    }
    return line;
  }

  /** Sends the REFER of a transfer and follows it (call-transfer.ts has the states). */
  private async refer(
    line: Line,
    transfer: CallTransfer,
    value: string,
    consult: Line | null,
  ): Promise<void> {
    const callId = line.call.callId;
    this.update(line, { transfer });
    log.info(`Transferring call ${callId} (${transfer.kind}) to ${maskPhone(transfer.target)}.`);
    try {
      await sendRefer(line.session, value, {
        onAccepted: () => {
          log.info(`The far end of call ${callId} took the REFER (202).`);
          this.awaitTransferDecision(line);
        },
        onRefused: (status, reason) =>
          this.transferFailed(
            line,
            status,
            `the far end refused the transfer: ${status} ${reason}`,
          ),
        onNotify: (status, reason) => {
          const next = stateAfterNotify(transfer.kind, status);
          if (next === 'failed') {
            this.transferFailed(line, status, `the call to the target failed: ${status} ${reason}`);
          } else if (next === 'accepted') this.transferAccepted(line, consult);
        },
      });
    } catch (error) {
      this.transferFailed(line, null, `the REFER was not sent: ${describeError(error)}`);
      throw new Error(`Cannot transfer call ${callId}: ${describeError(error)}`);
    }
  }

  /** Starts the wait for a NOTIFY that decides the transfer (once per transfer). */
  private awaitTransferDecision(line: Line): void {
    if (line.transferTimeout || line.finished) return;
    line.transferTimeout = setTimeout(() => {
      line.transferTimeout = null;
      const seconds = TRANSFER_DECISION_TIMEOUT_MS / 1000;
      this.transferFailed(
        line,
        null,
        `the far end took the REFER but reported no result within ${seconds} s`,
        'timeout',
      );
    }, TRANSFER_DECISION_TIMEOUT_MS);
  }

  private clearTransferTimeout(line: Line): void {
    if (line.transferTimeout) clearTimeout(line.transferTimeout);
    line.transferTimeout = null;
  }

  private transferAccepted(line: Line, consult: Line | null): void {
    const transfer = line.call.transfer;
    if (!transfer || transfer.state !== 'pending' || line.finished) return;
    this.clearTransferTimeout(line);
    log.info(`Call ${line.call.callId} is transferred (${transfer.kind}); it ends here.`);
    this.update(line, { transfer: { ...transfer, state: 'accepted' } });
    for (const ending of consult ? [line, consult] : [line]) this.byeUnlessEnded(ending);
  }

  private transferFailed(
    line: Line,
    status: number | null,
    detail: string,
    code?: SipFailureCode,
  ): void {
    const transfer = line.call.transfer;
    if (!transfer || transfer.state !== 'pending' || line.finished) return;
    this.clearTransferTimeout(line);
    log.warn(`Transfer of call ${line.call.callId} failed: ${detail}.`);
    this.update(line, { transfer: failedTransfer(transfer, status, detail, code) });
    if (line.call.held) {
      void this.setHold(line.call.callId, false).catch(() => undefined);
    }
  }

  /** Ends a transferred call with BYE unless its far end does so within the grace. */
  private byeUnlessEnded(line: Line): void {
    if (line.transferBye || line.finished) return;
    line.transferBye = setTimeout(() => {
      line.transferBye = null;
      if (line.finished || line.session.state !== SessionState.Established) return;
      log.info(`Sending BYE on transferred call ${line.call.callId}.`);
      void line.session.bye().catch((error: unknown) => {
        log.warn(`BYE for call ${line.call.callId} failed: ${describeError(error)}.`);
      });
    }, TRANSFER_BYE_GRACE_MS);
  }

  private mixOf(callId: string): Mix | null {
    const mix = this.mix;
    return mix && (mix.a === callId || mix.b === callId) ? mix : null;
  }

  /** Ends the mix: plain microphone tracks again, with each line's own mute and hold. */
  private async unmix(): Promise<void> {
    const mix = this.mix;
    if (!mix) return;
    this.mix = null;
    await mix.mix.stop();
    log.info(`Calls ${mix.a} and ${mix.b} are two-way calls again.`);
    for (const id of [mix.a, mix.b]) {
      const line = this.book.get(id);
      if (!line) continue;
      applyTrackStates(line.session, line.call);
      this.update(line, { conferencedWith: null });
    }
  }

  private domain(): string {
    if (!this.config || !this.running) throw new Error('The phone is not started');
    return this.config.domain;
  }

  private onSessionState(line: Line, state: SessionState): void {
    if (state === SessionState.Established) {
      this.attachAudio(line);
      applyTrackStates(line.session, line.call);
      this.stopRingerUnlessRinging();
      log.info(`Call ${line.call.callId} is established.`);
      this.update(line, { phase: 'active', answeredAt: this.now() });
      return;
    }
    if (state !== SessionState.Terminated) return;
    // sip.js moves an Inviter to Terminated before it hands the final response to the
    // request delegate, which records why: finish once that has run.
    if (line.session instanceof Inviter) queueMicrotask(() => this.finish(line));
    // While accept() is still unwinding, it finishes the call with the reason it failed.
    else if (!line.answering) this.finish(line);
  }

  private finish(line: Line): void {
    if (line.finished) return;
    line.finished = true;
    dropAudio(line.audio);
    line.audio = null;
    if (line.transferBye) clearTimeout(line.transferBye);
    line.transferBye = null;
    this.clearTransferTimeout(line);
    if (this.mixOf(line.call.callId)) {
      // Hanging up one line of a three-way call leaves a two-way call with the other.
      line.call.conferencedWith = null;
      void this.unmix().catch((error: unknown) => {
        log.error(`Ending the three-way call failed: ${describeError(error)}.`);
      });
    }

    const { call } = line;
    let outcome: CallOutcome;
    if (call.answeredAt !== null) outcome = 'ended';
    else if (call.direction === 'outbound') {
      outcome = 'failed';
      // Hung up while it rang: the 487 that follows our CANCEL is no failure of the call.
      if (line.cancelled) call.failure = cancelledByAgent(call.failure?.status ?? null);
    } else outcome = call.failure && !line.cancelled ? 'failed' : 'missed';
    call.phase = 'ended';
    call.outcome = outcome;
    call.endedAt = this.now();
    log.info(
      `Call ${call.callId} is over: ${outcome}${call.failure ? ` (${call.failure.code})` : ''}.`,
    );
    this.emitCall(line);
    this.book.end(call.callId);
    this.stopRingerUnlessRinging();
  }

  private async setHold(callId: string, hold: boolean): Promise<void> {
    const line = this.line(callId);
    const session = line.session;
    const verb = hold ? 'hold' : 'resume';
    if (session.state !== SessionState.Established) {
      throw new Error(`Call ${callId} is not answered; only an answered call can be held`);
    }
    // Checked before anything changes: the re-INVITE in flight owns the tracks and the
    // session's re-INVITE options until its answer comes.
    if (line.reinviting) {
      throw new Error(
        `Cannot ${verb} call ${callId}: a hold or resume is still waiting for the far end's ` +
          'answer; try again when it is done',
      );
    }
    if (line.call.held === hold) return;
    if (this.mixOf(callId)) {
      throw new Error(`Call ${callId} is in a three-way call; split it first`);
    }

    line.reinviting = true;
    // The held party hears nothing of the seat from now on, even before the answer.
    applyTrackStates(session, { muted: line.call.muted, held: hold });
    /** RFC 3261 §14.1: a 408 or 481 to a re-INVITE means the dialog is gone. */
    let dialogGone: number | null = null;
    try {
      await new Promise<void>((resolve, reject) => {
        session
          .invite({
            sessionDescriptionHandlerOptions: holdOptions(hold),
            requestDelegate: {
              onAccept: () => resolve(),
              onReject: (response) => {
                const { statusCode, reasonPhrase } = response.message;
                if (statusCode === 408 || statusCode === 481) dialogGone = statusCode;
                reject(new Error(`the far end answered ${statusCode} ${reasonPhrase}`));
              },
            },
          })
          .catch(reject);
      });
    } catch (error) {
      if (dialogGone !== null) {
        this.endLostDialog(line, dialogGone, verb, describeError(error));
      } else {
        // Back to what the far end still has: later re-INVITEs must not carry the failed wish.
        session.sessionDescriptionHandlerOptionsReInvite = holdOptions(line.call.held);
        applyTrackStates(session, line.call);
        log.warn(`Cannot ${verb} call ${callId}: ${describeError(error)}.`);
      }
      throw new Error(`Cannot ${verb} call ${callId}: ${describeError(error)}`);
    } finally {
      line.reinviting = false;
    }
    log.info(`Call ${callId} is ${hold ? 'on hold' : 'resumed'}.`);
    this.update(line, { held: hold });
  }

  /**
   * The far end answered a re-INVITE 408 or 481 (RFC 3261 §14.1): the dialog is over.
   * The call ends with that failure; a BYE goes out in case the far end still holds it.
   */
  private endLostDialog(line: Line, status: number, verb: string, detail: string): void {
    const { callId } = line.call;
    line.call.failure = sipFailure(status, detail);
    log.warn(`Cannot ${verb} call ${callId}: ${detail}; the dialog is gone, ending the call.`);
    const session = line.session;
    if (session.state === SessionState.Established) {
      session.bye().catch((error: unknown) => {
        log.warn(`BYE for call ${callId} failed: ${describeError(error)}.`);
      });
    }
    // A BYE that could not go out leaves no state change behind; finish here as well.
    queueMicrotask(() => {
      if (stateOf(session) === SessionState.Terminated) this.finish(line);
    });
  }

  private onRemoteSdp(session: Session, held: boolean): void {
    const line = this.book.lines().find((candidate) => candidate.session === session);
    if (!line || line.call.remoteHeld === held) return;
    log.info(`Call ${line.call.callId} is ${held ? 'held' : 'resumed'} by the far end.`);
    this.update(line, { remoteHeld: held });
  }

  private attachAudio(line: Line): void {
    const stream = handlerOf(line.session)?.remoteMediaStream;
    if (line.audio || !stream || typeof document === 'undefined') return;
    line.audio = remoteAudio(line.line, stream, this.prefs.speakerId);
  }

  private update(line: Line, change: Partial<PhoneCall>): void {
    Object.assign(line.call, change);
    this.emitCall(line);
  }

  private emitCall(line: Line): void {
    this.emit({ type: 'call', call: { ...line.call } });
  }

  private stopRingerUnlessRinging(): void {
    const ringing = this.book
      .lines()
      .some((line) => !line.finished && line.call.phase === 'ringing');
    if (!ringing) this.ringer.stop();
  }

  private configureRinger(): void {
    this.ringer.configure({
      tone: this.prefs.ringTone,
      volume: this.prefs.ringVolume,
      deviceId: this.prefs.ringerId,
    });
  }

  private noteMicrophone(failure: SipFailure): void {
    const state = failure.detail.startsWith('NotFoundError') ? 'missing' : 'denied';
    if (state === this.microphone) return;
    this.microphone = state;
    this.emitDevices();
  }

  private emitDevices(): void {
    this.emit({ type: 'devices', prefs: { ...this.prefs }, microphone: this.microphone });
  }

  private readonly onDeviceChange = () => {
    void this.listDevices().catch(() => undefined);
  };

  private watchDevices(on: boolean): void {
    const devices = mediaDevices();
    if (!devices?.addEventListener) return;
    if (on) devices.addEventListener('devicechange', this.onDeviceChange);
    else devices.removeEventListener('devicechange', this.onDeviceChange);
  }

  // ── Registration ───────────────────────────────────────────────────────────

  private onTransportUp(): void {
    regLog.info('Transport is up; registering.');
    this.backoff.reset();
    this.register();
  }

  private onTransportDown(error?: Error): void {
    if (!this.running) return;
    const live = this.book.liveCount;
    const detail = error ? describeError(error) : 'transport closed';
    if (live > 0) regLog.warn(`Transport lost with ${live} live call(s); keeping them.`);
    this.setRegistration('connecting', detail);
    this.retryLater();
  }

  private register(): void {
    const registerer = this.registerer;
    if (!this.running || !registerer) return;
    if (this.registration !== 'registered') this.setRegistration('registering', null);
    registerer
      .register({
        requestDelegate: {
          onReject: (response) => {
            if (this.registerer !== registerer || !this.running) return;
            const { statusCode, reasonPhrase } = response.message;
            this.setRegistration('failed', `registrar answered ${statusCode} ${reasonPhrase}`);
            this.retryLater();
          },
        },
      })
      .catch((error: unknown) => {
        // The Registerer was disposed, or the transport went away.
        regLog.warn(`REGISTER not sent: ${describeError(error)}.`);
        this.retryLater();
      });
  }

  private onRegistererState(state: RegistererState): void {
    if (state === RegistererState.Registered) {
      this.backoff.reset();
      this.setRegistration('registered', null);
    } else if (state === RegistererState.Unregistered && this.running) {
      this.setRegistration('unregistered', 'registration lapsed');
      this.retryLater();
    }
  }

  /** One retry timer at a time: reconnect when the transport is down, else re-register. */
  private retryLater(): void {
    if (!this.running || this.retryTimer) return;
    const delay = withJitter(this.backoff.next());
    regLog.warn(`Phone is ${this.registration}; next try in ${delay} ms.`);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.retryNow();
    }, delay);
  }

  private retryNow(): void {
    const ua = this.ua;
    if (!this.running || !ua) return;
    if (ua.isConnected()) {
      this.register();
      return;
    }
    this.setRegistration('connecting', null);
    ua.reconnect().catch((error: unknown) => {
      this.setRegistration('failed', `cannot reach the PBX: ${describeError(error)}`);
      this.retryLater();
    });
  }

  private readonly onOnline = () => {
    if (!this.running || this.registration === 'registered') return;
    this.clearRetry();
    this.backoff.reset();
    this.retryNow();
  };

  private clearRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private setRegistration(state: RegistrationState, detail: string | null): void {
    if (state === this.registration && detail === null) return;
    this.registration = state;
    this.registrationDetail = detail;
    if (detail) regLog.info(`Registration is ${state}: ${detail}.`);
    this.emit({ type: 'registration', state, detail });
  }

  private emit(event: PhoneEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        log.error(`A phone listener failed on ${event.type}: ${describeError(error)}.`);
      }
    }
  }
}

/** sip.js's web handler options carry `hold`; its generic session options type does not. */
function holdOptions(hold: boolean): Web.SessionDescriptionHandlerOptions {
  return { hold };
}

/** Waits for a promise, at most `ms`; its failure is of no interest (stopping). */
async function within(ms: number, promise: Promise<unknown> | undefined): Promise<void> {
  if (!promise) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  await Promise.race([promise.catch(() => undefined), timeout]);
  clearTimeout(timer);
}

/** A session's audio sender (the one with a microphone track, else the first audio one). */
function audioSender(session: Session): RTCRtpSender | undefined {
  const senders = handlerOf(session)?.peerConnection?.getSenders() ?? [];
  return senders.find((sender) => sender.track?.kind === 'audio');
}

function mediaDevices(): MediaDevices | undefined {
  return typeof navigator === 'undefined' ? undefined : navigator.mediaDevices;
}
