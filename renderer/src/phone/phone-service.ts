import {
  Registerer,
  RegistererState,
  SessionState,
  UserAgent,
  type Invitation,
  type LogLevel as SipLogLevel,
  type Web,
} from 'sip.js';
import type { SipConfig } from '../../../shared/hub-api';
import { Backoff } from '../lib/backoff';
import { createLogger, describeError } from '../lib/log';
import { offerFromInvite, sipIdentity } from './invite-info';
import type {
  CallOffer,
  CallOutcome,
  PhoneControl,
  PhoneEvent,
  RegistrationState,
} from './phone-types';
import { Ringer } from './ringer';

const log = createLogger('seat.sip.phone');
const regLog = createLogger('seat.sip.registration');
const sipLog = createLogger('seat.sip.stack');

/** Registration lifetime asked of the registrar; sip.js refreshes it before it runs out. */
const REGISTER_EXPIRES_S = 300;

/** The session's state now (a plain read, so the compiler does not narrow it across awaits). */
function sessionState(session: Invitation): SessionState {
  return session.state;
}

/** A call in hand and what has happened to it so far. */
interface LiveCall {
  session: Invitation;
  offer: CallOffer;
  answering: boolean;
  answered: boolean;
  cancelled: boolean;
  hangupRequested: boolean;
  failure: string | null;
  finished: boolean;
}

/**
 * The seat's softphone: a small facade over sip.js (one UserAgent, one Registerer, a
 * WebSocket transport) that keeps the live SIP session and media streams to itself and
 * reports plain PhoneEvents. One call at a time: an INVITE that arrives while a call is
 * in hand is answered 486 Busy Here (RFC 3261 §21.4.24); Kamailio re-queues such a call
 * at the hub, which routes it to the next free agent.
 *
 * It stays registered on its own: a dropped transport reconnects with a doubling delay,
 * and a registration that is refused, lost or expired (for example when a refresh found
 * the previous REGISTER still unanswered) is tried again after its answer or timeout.
 */
export class PhoneService implements PhoneControl {
  private readonly listeners = new Set<(event: PhoneEvent) => void>();
  private readonly ringer = new Ringer();
  private readonly backoff = new Backoff(1000, 30_000);
  private ua: UserAgent | null = null;
  private registerer: Registerer | null = null;
  private call: LiveCall | null = null;
  private audio: HTMLAudioElement | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private running = false;
  private registration: RegistrationState = 'idle';

  subscribe(listener: (event: PhoneEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The peer connection of the call in hand, for the media counters of the tests. */
  peerConnection(): RTCPeerConnection | undefined {
    const handler = this.call?.session.sessionDescriptionHandler as
      Web.SessionDescriptionHandler | undefined;
    return handler?.peerConnection;
  }

  async start(config: SipConfig): Promise<void> {
    if (this.ua) await this.stop();

    const { aorUser, authUser } = sipIdentity(config);
    const uri = UserAgent.makeURI(`sip:${aorUser}@${config.domain}`);
    if (!uri) {
      this.setRegistration('failed', `sip:${aorUser}@${config.domain} is not a SIP address`);
      return;
    }

    const ua = new UserAgent({
      uri,
      displayName: config.displayName,
      authorizationUsername: authUser,
      authorizationPassword: config.password,
      transportOptions: { server: config.wsUrl, traceSip: false },
      userAgentString: 'HotlineDesk/0.1 (sip.js 0.21)',
      logBuiltinEnabled: false,
      logLevel: 'warn',
      // sip.js hands every level to the connector whatever logLevel says: keep warn and error.
      logConnector: (level: SipLogLevel, category: string, _label, content: string) => {
        if (level === 'error') sipLog.error(`${category}: ${content}`);
        else if (level === 'warn') sipLog.warn(`${category}: ${content}`);
      },
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
        onInvite: (invitation: Invitation) => this.onInvite(invitation),
      },
    });
    const registerer = new Registerer(ua, { expires: REGISTER_EXPIRES_S });
    registerer.stateChange.addListener((state) => {
      if (this.registerer === registerer) this.onRegistererState(state);
    });

    this.ua = ua;
    this.registerer = registerer;
    this.running = true;
    window.addEventListener('online', this.onOnline);

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
    this.ua = null;
    this.registerer = null;
    this.clearRetry();
    window.removeEventListener('online', this.onOnline);
    if (!ua) return;

    await this.hangup().catch(() => undefined);
    if (registerer?.state === RegistererState.Registered) {
      await registerer.unregister().catch(() => undefined);
    }
    await registerer?.dispose().catch(() => undefined);
    await ua.stop().catch(() => undefined);
    // A start() while this stop ran owns the registration state now.
    if (!this.ua) this.setRegistration('idle', null);
  }

  async answer(): Promise<void> {
    const call = this.call;
    if (!call || call.session.state !== SessionState.Initial || call.answering) return;

    call.answering = true;
    this.ringer.stop();
    log.info(`Answering call ${call.offer.callId}.`);
    try {
      await call.session.accept({
        sessionDescriptionHandlerOptions: { constraints: { audio: true, video: false } },
      });
    } catch (error) {
      call.failure = describeError(error);
      log.error(`Answering call ${call.offer.callId} failed: ${call.failure}.`);
    } finally {
      call.answering = false;
    }

    // Read again: the session moved on while accept() ran.
    const state = sessionState(call.session);
    if (state === SessionState.Terminated) this.finish(call);
    else if (state === SessionState.Established && call.hangupRequested) {
      await this.hangup();
    }
  }

  async hangup(): Promise<void> {
    const call = this.call;
    if (!call) return;
    call.hangupRequested = true;
    const { session, offer } = call;

    switch (session.state) {
      case SessionState.Initial:
        log.info(`Declining call ${offer.callId}.`);
        await session.reject({ statusCode: 486 }).catch((error: unknown) => {
          log.warn(`Declining call ${offer.callId} failed: ${describeError(error)}.`);
        });
        return;
      case SessionState.Establishing:
        // The 200 OK is on its way; answer() sends the BYE once the dialog stands.
        return;
      case SessionState.Established:
        log.info(`Hanging up call ${offer.callId}.`);
        await session.bye().catch((error: unknown) => {
          log.warn(`BYE for call ${offer.callId} failed: ${describeError(error)}.`);
        });
        return;
      default:
        return;
    }
  }

  private onInvite(invitation: Invitation): void {
    const offer = offerFromInvite(invitation.request, invitation.remoteIdentity.uri.user);
    if (this.call) {
      log.warn(`Call ${offer.callId} refused busy: call ${this.call.offer.callId} is in hand.`);
      void invitation.reject({ statusCode: 486 }).catch(() => undefined);
      return;
    }

    const call: LiveCall = {
      session: invitation,
      offer,
      answering: false,
      answered: false,
      cancelled: false,
      hangupRequested: false,
      failure: null,
      finished: false,
    };
    this.call = call;
    invitation.delegate = {
      onCancel: () => {
        call.cancelled = true;
      },
    };
    invitation.stateChange.addListener((state) => this.onSessionState(call, state));

    log.info(`Call ${offer.callId} from ${offer.caller} rings (queue ${offer.queue || '-'}).`);
    this.emit({ type: 'incoming', call: offer });
    this.ringer.start();
  }

  private onSessionState(call: LiveCall, state: SessionState): void {
    if (state === SessionState.Established) {
      call.answered = true;
      this.ringer.stop();
      this.playRemoteAudio(call.session);
      log.info(`Call ${call.offer.callId} is established.`);
      this.emit({ type: 'answered', callId: call.offer.callId });
      return;
    }
    // While accept() is still unwinding, it finishes the call with the reason it failed.
    if (state === SessionState.Terminated && !call.answering) this.finish(call);
  }

  private finish(call: LiveCall): void {
    if (call.finished) return;
    call.finished = true;
    this.ringer.stop();
    this.stopRemoteAudio();
    if (this.call === call) this.call = null;

    let outcome: CallOutcome = 'missed';
    if (call.answered) outcome = 'ended';
    else if (call.failure && !call.cancelled) outcome = 'failed';
    log.info(`Call ${call.offer.callId} is over: ${outcome}.`);
    this.emit({ type: 'ended', callId: call.offer.callId, outcome, detail: call.failure });
  }

  private playRemoteAudio(session: Invitation): void {
    const handler = session.sessionDescriptionHandler as Web.SessionDescriptionHandler | undefined;
    if (!handler) return;
    if (!this.audio) {
      this.audio = document.createElement('audio');
      this.audio.autoplay = true;
      this.audio.dataset.testid = 'remote-audio';
      this.audio.hidden = true;
      document.body.append(this.audio);
    }
    this.audio.srcObject = handler.remoteMediaStream;
    void this.audio.play().catch((error: unknown) => {
      log.warn(`Remote audio does not play: ${describeError(error)}.`);
    });
  }

  private stopRemoteAudio(): void {
    if (!this.audio) return;
    this.audio.pause();
    this.audio.srcObject = null;
  }

  private onTransportUp(): void {
    regLog.info('Transport is up; registering.');
    this.backoff.reset();
    this.register();
  }

  private onTransportDown(error?: Error): void {
    if (!this.running) return;
    this.setRegistration('connecting', error ? describeError(error) : 'transport closed');
    this.retryLater();
  }

  private register(): void {
    const registerer = this.registerer;
    if (!this.running || !registerer) return;
    if (this.registration !== 'registered') this.setRegistration('registering', null);
    // The status follows each REGISTER's answer, not only the Registerer's state: after a
    // transport reconnect the Registerer is still Registered, so a re-REGISTER that the
    // registrar accepts fires no state change (a restarted PBX would stay "registering").
    registerer
      .register({
        requestDelegate: {
          onAccept: () => {
            if (this.registerer !== registerer || !this.running) return;
            this.backoff.reset();
            this.setRegistration('registered', null);
          },
          onReject: (response) => {
            if (this.registerer !== registerer || !this.running) return;
            const { statusCode, reasonPhrase } = response.message;
            this.setRegistration('failed', `registrar answered ${statusCode} ${reasonPhrase}`);
            this.retryLater();
          },
        },
      })
      .catch((error: unknown) => {
        // A REGISTER still in flight ("request pending"), or the transport went away.
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
    const delay = this.backoff.next();
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
