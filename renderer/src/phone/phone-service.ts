import { Invitation, Inviter, SessionState, UserAgent, type Referral } from 'sip.js';
import type { SipConfig } from '../../../shared/hub-api';
import { maskPhone } from '../../../shared/domain/phone';
import { createLogger, describeError } from '../lib/log';
import { CallBook, MAX_LINES } from './call-book';
import { CallHold } from './call-hold';
import { applyTrackStates, dropAudio, handlerOf, remoteAudio } from './call-media';
import { DeviceControl } from './device-control';
import { audioConstraints, videoConstraints, type PhoneStorage } from './device-prefs';
import {
  CONTEXT_HEADER,
  contextFromInvite,
  offerFromInvite,
  SEAT_HEADER,
  seatFromAnswer,
  sipIdentity,
} from './invite-info';
import {
  checkContextCallId,
  checkDialTarget,
  checkDtmfDigits,
  DTMF_INFO_CONTENT_TYPE,
  dtmfInfoBody,
  sdpHasTelephoneEvent,
} from './phone-input';
import { isLocal, newLine, stateOf, type Line, type LineFields } from './phone-line';
import type {
  CallOutcome,
  DevicePrefs,
  DialOptions,
  DtmfMode,
  PhoneCall,
  PhoneControl,
  PhoneEvent,
  PhoneSnapshot,
  PhoneStartOptions,
  SeatDevices,
} from './phone-types';
import { dialogGoneStatus, sendInfo } from './reinvite';
import { Ringer } from './ringer';
import { offersVideo } from './sdp-direction';
import { SeatRegistration } from './seat-registration';
import { SeatTransport } from './seat-transport';
import { seatUserAgent, type TransportClass } from './seat-user-agent';
import { cancelledByAgent, failureFromError, sipFailure } from './sip-failure';
import { TargetRefresh } from './target-refresh';
import { ThreeWay } from './three-way';
import { TransferControl } from './transfer-control';

export { sipFailure } from './sip-failure';
export { TRANSFER_DECISION_TIMEOUT_MS } from './transfer-control';

const log = createLogger('seat.sip.call');
const regLog = createLogger('seat.sip.registration');

/** How long stop() waits for the un-REGISTER and the UA to wind down. */
const STOP_WAIT_MS = 2000;
/** RFC 4733 tone and gap lengths, in ms. */
const DTMF_TONE_MS = 100;
const DTMF_GAP_MS = 70;

export interface PhoneServiceOptions {
  /** Where device prefs and the seat's instance id are kept (the engine page's storage). */
  storage?: PhoneStorage;
  now?: () => number;
  /** The SIP transport class; the seat's WebSocket one unless a test brings a fake wire. */
  transport?: TransportClass;
  /** Makes the AudioContexts of the ringer and of a three-way call's mix. */
  audioContext?: () => AudioContext;
}

/**
 * The seat's softphone: a small facade over sip.js (one UserAgent, one Registerer, a
 * WebSocket transport) that keeps live SIP sessions and media to itself and reports plain
 * PhoneEvents. Two lines: the call with a citizen and one more for a consult call. An
 * INVITE while any call is live is answered 486 Busy Here (RFC 3261 §21.4.24); Kamailio
 * re-queues such a call at the hub, which routes it to the next free agent.
 *
 * It keeps the line book, the calls and their events; beside it: the UserAgent's setup
 * (seat-user-agent.ts), the registration and its retries (seat-registration.ts: one
 * binding per seat, a dropped transport reconnects), hold and the far end's hold
 * (call-hold.ts), the target refresh of the calls that outlived a reconnect
 * (target-refresh.ts), transfers both ways (transfer-control.ts), the three-way mix
 * (three-way.ts) and the device choices (device-control.ts). Calls live on through a
 * transport loss as long as their media path does.
 */
export class PhoneService implements PhoneControl {
  private readonly listeners = new Set<(event: PhoneEvent) => void>();
  private readonly ringer: Ringer;
  private readonly makeAudioContext: () => AudioContext;
  private readonly book = new CallBook<Omit<Line, 'line'>>();
  private readonly storage: PhoneStorage | undefined;
  private readonly now: () => number;
  private readonly transport: TransportClass;
  private readonly registration: SeatRegistration = new SeatRegistration({
    emit: (event) => this.emit(event),
    onRegistered: () => void this.refresh.run(),
    onTransportLost: () => {
      const live = this.book.liveCount;
      if (live > 0) regLog.warn(`Transport lost with ${live} live call(s); keeping them.`);
      this.refresh.markAll();
    },
  });
  private readonly refresh: TargetRefresh = new TargetRefresh({
    lines: () => this.book.lines(),
    ready: () => this.running && this.registration.state === 'registered',
    endLostDialog: (line, status, verb, detail) =>
      this.holds.endLostDialog(line, status, verb, detail),
  });
  private readonly holds: CallHold = new CallHold({
    line: (callId) => this.line(callId),
    lines: () => this.book.lines(),
    inThreeWay: (callId) => this.threeWay.of(callId) !== null,
    update: (line, change) => this.update(line, change),
    finish: (line) => this.finish(line),
    // A target refresh after a reconnect waits for a hold or resume in flight.
    reInviteDone: (line) => {
      if (line.staleTarget) void this.refresh.run();
    },
  });
  private readonly transfers: TransferControl = new TransferControl({
    update: (line, change) => this.update(line, change),
    resume: (callId) => this.holds.set(callId, false),
    whyNoCall: () => {
      if (this.book.liveCount >= MAX_LINES) return 'both lines are in use';
      return this.ua && this.running ? null : 'the phone cannot call now';
    },
    callReferred: (line, referral, number) => this.callReferred(line, referral, number),
    endLostDialog: (line, status, verb, detail) =>
      this.holds.endLostDialog(line, status, verb, detail),
  });
  private readonly threeWay: ThreeWay = new ThreeWay({
    line: (callId) => this.line(callId),
    find: (callId) => this.book.get(callId),
    update: (line, change) => this.update(line, change),
    resume: (callId) => this.holds.set(callId, false),
    makeAudioContext: () => this.makeAudioContext(),
  });
  private readonly devices: DeviceControl;
  private config: SipConfig | null = null;
  private dtmf: DtmfMode = 'rfc4733';
  private ua: UserAgent | null = null;
  private running = false;

  constructor(options: PhoneServiceOptions = {}) {
    this.makeAudioContext = options.audioContext ?? (() => new AudioContext());
    this.ringer = new Ringer(this.makeAudioContext);
    this.storage = options.storage;
    this.now = options.now ?? (() => Date.now());
    this.transport = options.transport ?? SeatTransport;
    this.devices = new DeviceControl(this.storage, this.ringer, {
      lines: () => this.book.lines(),
      inThreeWay: (callId) => this.threeWay.of(callId) !== null,
      emit: (event) => this.emit(event),
    });
  }

  subscribe(listener: (event: PhoneEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async snapshot(): Promise<PhoneSnapshot> {
    return {
      started: this.running,
      registration: this.registration.state,
      registrationDetail: this.registration.detail,
      calls: this.book.calls(),
      devices: { ...this.devices.prefs },
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

    const { aorUser } = sipIdentity(config);
    const uri = UserAgent.makeURI(`sip:${aorUser}@${config.domain}`);
    if (!uri) {
      this.registration.set('failed', `sip:${aorUser}@${config.domain} is not a SIP address`);
      return;
    }
    this.config = config;
    this.dtmf = options.dtmf ?? 'rfc4733';

    // A UA being stopped after a newer start() still reports; only the current one counts.
    const ua: UserAgent = seatUserAgent(
      config,
      uri,
      { transport: this.transport, storage: this.storage },
      {
        onConnect: () => {
          if (this.ua === ua) this.registration.onTransportUp();
        },
        onDisconnect: (error) => {
          if (this.ua === ua) this.registration.onTransportDown(error);
        },
        onInvite: (invitation) => {
          if (this.ua === ua) this.onInvite(invitation);
          else void invitation.reject({ statusCode: 480 }).catch(() => undefined);
        },
        onRemoteSdp: (session, held) => this.holds.onRemoteSdp(session, held),
      },
    );
    this.ua = ua;
    this.running = true;
    this.devices.watch(true);
    await this.registration.begin(ua, config.wsUrl);
  }

  async stop(): Promise<void> {
    const ua = this.ua;
    this.running = false;
    const registerer = this.registration.end();
    this.devices.watch(false);
    if (!ua) return;

    await Promise.all(this.book.lines().map((line) => this.hangup(line.call.callId))).catch(
      () => undefined,
    );
    this.ua = null;
    // dispose() unregisters, after the REGISTER in flight if there is one; a registrar
    // that does not answer must not hold the sign-out for Timer F's 32 s.
    await within(STOP_WAIT_MS, registerer?.dispose());
    await within(STOP_WAIT_MS, ua.stop());
    for (const line of this.book.lines()) this.finish(line);
    // A start() while this stop ran owns the registration state now.
    if (!this.ua) this.registration.set('idle', null);
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
    // A colleague's consult call learns which seat took it (see SEAT_HEADER); a citizen's
    // call does not get the seat's extension.
    const seat =
      this.config && contextFromInvite(session.request) ? sipIdentity(this.config) : null;
    try {
      await session.accept({
        extraHeaders: seat ? [`${SEAT_HEADER}: ${seat.aorUser}`] : [],
        sessionDescriptionHandlerOptions: {
          constraints: {
            audio: audioConstraints(this.devices.prefs),
            video: line.call.video ? videoConstraints(this.devices.prefs) : false,
          },
        },
      });
    } catch (error) {
      const failure = failureFromError(error);
      if (failure.code === 'no-microphone') this.devices.noteMicrophone(failure);
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
    return this.holds.set(callId, true);
  }

  resume(callId: string): Promise<void> {
    return this.holds.set(callId, false);
  }

  async setMuted(callId: string, muted: boolean): Promise<void> {
    const line = this.line(callId);
    if (line.call.muted === muted) return;
    const mix = this.threeWay.of(callId);
    if (mix) {
      this.threeWay.setMuted(mix, muted);
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
    let mode = this.devices.prefs.dtmf ?? this.dtmf;
    const remoteSdp = handlerOf(session)?.peerConnection?.remoteDescription?.sdp;
    if (mode === 'rfc4733' && remoteSdp !== undefined && !sdpHasTelephoneEvent(remoteSdp)) {
      log.warn(`Call ${callId}: the far end took no telephone-event; DTMF goes as SIP INFO.`);
      mode = 'info';
    }
    if (mode === 'info') {
      // One INFO at a time, each after the last one's answer, so the digits keep their order.
      for (const tone of tones) {
        try {
          await sendInfo(session, {
            contentDisposition: 'render',
            contentType: DTMF_INFO_CONTENT_TYPE,
            content: dtmfInfoBody(tone),
          });
        } catch (error) {
          // RFC 3261 §12.2.1.2: a 408 or 481 to a request in the dialog means it is gone.
          const gone = dialogGoneStatus(error);
          if (gone !== null) {
            this.holds.endLostDialog(line, gone, 'send DTMF on', describeError(error));
          }
          throw new Error(`Cannot send DTMF on call ${callId}: ${describeError(error)}`);
        }
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
    // Kamailio answers a call to the seat's own binding 482 Loop Detected; say it plainly.
    if (number === sipIdentity(this.config).aorUser) {
      throw new Error(`${number} is this seat's own extension; a seat cannot call itself`);
    }
    const uri = UserAgent.makeURI(`sip:${number}@${this.config.domain}`);
    if (!uri) throw new Error(`sip:${number}@${this.config.domain} is not a SIP address`);

    const inviter = new Inviter(ua, uri, {
      // A trunk plays ringback or "the number is off" in a 183: let the agent hear it.
      earlyMedia: true,
      extraHeaders: context ? [`${CONTEXT_HEADER}: ${context}`] : [],
      sessionDescriptionHandlerOptions: {
        constraints: {
          audio: audioConstraints(this.devices.prefs),
          video: video ? videoConstraints(this.devices.prefs) : false,
        },
      },
    });
    return this.placeCall(inviter, number, { video, contextCallId: context });
  }

  // ── Transfers and three-way calls ──────────────────────────────────────────

  async transfer(callId: string, target: string): Promise<void> {
    const number = checkDialTarget(target);
    const line = this.transferable(callId);
    await this.transfers.blind(line, number, this.domain());
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
    if (this.threeWay.of(callId)) await this.threeWay.end(); // merge and leave: the mix ends first
    await this.transfers.attended(line, consult, this.domain());
  }

  conference(callIdA: string, callIdB: string): Promise<void> {
    return this.threeWay.start(callIdA, callIdB);
  }

  async split(callId: string): Promise<void> {
    const other = this.threeWay.partnerOf(callId);
    if (other === null) throw new Error(`Call ${callId} is not in a three-way call`);
    await this.threeWay.end();
    // The agent goes on with `callId`; the other party waits on hold.
    await this.holds.set(other, true);
  }

  testRing(prefs: DevicePrefs): Promise<void> {
    return this.devices.testRing(prefs);
  }

  // ── Devices ────────────────────────────────────────────────────────────────

  listDevices(): Promise<SeatDevices> {
    return this.devices.list();
  }

  setDevicePrefs(prefs: DevicePrefs): Promise<void> {
    return this.devices.setPrefs(prefs);
  }

  // ── Inside ─────────────────────────────────────────────────────────────────

  private line(callId: string): Line {
    const line = this.book.get(callId);
    if (!line) throw new Error(`No live call ${callId}`);
    return line;
  }

  private addLine(session: Invitation | Inviter, fields: LineFields): Line {
    const line = this.book.add(newLine(session, fields, this.now()));
    session.stateChange.addListener((state) => this.onSessionState(line, state));
    // RFC 3515: the far end may ask this seat to call someone else (it transfers us).
    session.delegate = {
      ...session.delegate,
      onRefer: (referral: Referral) => this.transfers.onRefer(line, referral),
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

  /** Calls `number` for a REFER taken on `line`; the new call serves the same citizen. */
  private callReferred(line: Line, referral: Referral, number: string): Promise<string> {
    const inviter = referral.makeInviter({
      earlyMedia: true,
      sessionDescriptionHandlerOptions: {
        constraints: { audio: audioConstraints(this.devices.prefs), video: false },
      },
    });
    return this.placeCall(inviter, number, {
      video: false,
      contextCallId: line.call.contextCallId,
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
          onAccept: (response) => {
            line.answeredBy = seatFromAnswer(response.message.getHeader(SEAT_HEADER));
          },
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
      if (failure.code === 'no-microphone') this.devices.noteMicrophone(failure);
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
    const partner = this.threeWay.partnerOf(callId);
    if (partner !== null && consultCallId !== partner) {
      throw new Error(`Call ${callId} is in a three-way call; split it first`);
    }
    return line;
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
    this.transfers.release(line);
    if (this.threeWay.of(line.call.callId)) {
      // Hanging up one line of a three-way call leaves a two-way call with the other.
      line.call.conferencedWith = null;
      void this.threeWay.end().catch((error: unknown) => {
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
    // An outbound call the agent hung up while it rang is logged as what the desk calls it.
    const word = call.failure?.code === 'cancelled' ? 'cancelled' : outcome;
    const why = call.failure && word !== 'cancelled' ? ` (${call.failure.code})` : '';
    log.info(`Call ${call.callId} is over: ${word}${why}.`);
    this.emitCall(line);
    this.book.end(call.callId);
    this.stopRingerUnlessRinging();
  }

  private attachAudio(line: Line): void {
    const stream = handlerOf(line.session)?.remoteMediaStream;
    if (line.audio || !stream || typeof document === 'undefined') return;
    line.audio = remoteAudio(line.line, stream, this.devices.prefs.speakerId);
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
