import type { SipConfig } from '../../../shared/hub-api';

/**
 * The phone engine's contract. The engine (sip.js, the peer connections, the audio
 * elements) lives apart from the desk UI: in the web seat in the top page, with the desk in
 * a frame; in Electron in a hidden window. The desk talks to it over a message channel
 * (phone-channel.ts) through this interface, so a reload or a crash of the desk keeps the
 * calls, and the reloaded desk asks for a snapshot and shows them again with their timers.
 *
 * Registration of the seat's softphone, as plain state.
 *
 *   idle ──start──▶ connecting ──transport up──▶ registering ──200──▶ registered
 *                      ▲   │                         │                  │
 *                      │   └──────────┬──────────────┘ refused / lost   │ expired
 *                      │              ▼                                 ▼
 *                      └──retry── failed / unregistered ◀──────────────┘
 *   any ──stop──▶ idle
 */
export type RegistrationState =
  'idle' | 'connecting' | 'registering' | 'registered' | 'unregistered' | 'failed';

/** What the hub and the INVITE tell about a call routed to this seat. */
export interface CallOffer {
  /** SIP Call-ID; the hub's `call.offered` names the call by the same id. */
  callId: string;
  /** The caller's number (the user part of From). */
  caller: string;
  /** Queue the caller waited in (`X-Hotline-Queue`); empty for a direct call. */
  queue: string;
  /** How long the caller queued before being routed here (`X-Hotline-Wait-Ms`). */
  waitMs: number;
}

/**
 * How a call ended: `ended` after it was answered; `missed` when an inbound call rang
 * out, the caller gave up or the agent declined; `failed` when it never got through
 * (answering did not work, or an outbound call was busy, not found, unanswered ..., or
 * the agent cancelled it: failure code `cancelled`, which the desk shows calmly, not as an
 * error; the seat core and the hub take it as any call that never got through).
 */
export type CallOutcome = 'ended' | 'missed' | 'failed';

export type CallDirection = 'inbound' | 'outbound';

/**
 * A call's phase.
 *
 *   inbound:  ringing ──answer──▶ connecting ──200 OK/ACK──▶ active ──BYE──▶ ended
 *   outbound: dialing ──1xx──▶ (early) ──200 OK──▶ active ──BYE──▶ ended
 *   any ──failure / cancel / decline──▶ ended
 */
export type CallPhase = 'ringing' | 'dialing' | 'connecting' | 'active' | 'ended';

/**
 * Why a call failed, as a code the UI words in Chinese and English (i18n
 * `sip.failure.<code>`), with the SIP status when there was one.
 */
export type SipFailureCode =
  | 'busy' // 486, 600
  | 'declined' // 603
  | 'not-found' // 404, 484, 604
  | 'unavailable' // 480, 503, no registration at the far end
  | 'timeout' // 408, no final answer in time
  | 'not-acceptable' // 488, 606: no common media
  | 'no-microphone' // getUserMedia refused or no device
  | 'network' // transport down while setting up
  | 'cancelled' // the agent hung up an outbound call before it was answered (487)
  | 'dialog-lost' // 408/481 to a request in an answered call's dialog: the far end is gone
  | 'own-extension' // the desk refused to dial the seat's own extension (it would get 482)
  | 'refer-timeout' // a transfer's REFER got no answer (408): the far end is gone
  | 'refer-no-report' // the far end took the REFER (202) but no NOTIFY decided it in time
  | 'other';

export interface SipFailure {
  code: SipFailureCode;
  status: number | null;
  /** English detail for the log and the tooltip. */
  detail: string;
}

/** One call the engine holds (a line). Times are the engine page's clock, in ms. */
export interface PhoneCall {
  callId: string;
  direction: CallDirection;
  /** The far end's number: the caller (inbound) or the dialled target (outbound). */
  remote: string;
  /** Queue the caller waited in (inbound through the ACD); empty otherwise. */
  queue: string;
  waitMs: number;
  phase: CallPhase;
  /** This seat put the call on hold (re-INVITE a=sendonly). */
  held: boolean;
  /** The far end put this seat on hold (its offer was sendonly or inactive). */
  remoteHeld: boolean;
  muted: boolean;
  /** Video was offered and taken (sign-language seat). */
  video: boolean;
  /**
   * The Call-ID of the call this one serves (X-Hotline-Context on the INVITE): a consult
   * call to a specialist names the citizen's call, so the specialist's pop can show the
   * handover (draft and notes). Null when none.
   */
  contextCallId: string | null;
  /** The other line this call is mixed with in a three-way call; null when two-way. */
  conferencedWith: string | null;
  /** A transfer of this call asked by this seat, and how far it got. */
  transfer: CallTransfer | null;
  startedAt: number;
  answeredAt: number | null;
  endedAt: number | null;
  outcome: CallOutcome | null;
  failure: SipFailure | null;
}

export interface MediaDeviceChoice {
  deviceId: string;
  /** Empty until the page has media permission. */
  label: string;
}

/** The seat's devices, and whether a microphone can be used at all. */
export interface SeatDevices {
  microphones: MediaDeviceChoice[];
  speakers: MediaDeviceChoice[];
  cameras: MediaDeviceChoice[];
  /** 'missing': no input device; 'denied': permission refused; 'unknown': not asked yet. */
  microphone: 'ok' | 'missing' | 'denied' | 'unknown';
}

export type RingTone = 'classic' | 'soft' | 'beep';

/** Device choices, remembered per seat (the engine page's storage). Null: the default. */
export interface DevicePrefs {
  microphoneId: string | null;
  speakerId: string | null;
  ringerId: string | null;
  cameraId: string | null;
  /** 0..1 */
  ringVolume: number;
  ringTone: RingTone;
  /**
   * How this seat sends DTMF (issue 5: "RFC 4733 by default, SIP INFO as an option").
   * Absent: the centre's choice (PhoneStartOptions.dtmf), RFC 4733 unless it says otherwise.
   */
  dtmf?: DtmfMode;
}

/**
 * A transfer in progress: REFER sent (`pending`), the far end took it (202 and a NOTIFY
 * with 1xx/2xx: `accepted`, and the call ends here), or it failed (4xx/5xx to the REFER or
 * in a NOTIFY: `failed`, the call stays up and is resumed).
 */
export interface CallTransfer {
  kind: 'blind' | 'attended';
  target: string;
  state: 'pending' | 'accepted' | 'failed';
  failure: SipFailure | null;
}

/** All the engine knows, for a desk that (re)connects. */
export interface PhoneSnapshot {
  /** True once start() ran and until stop(): the engine is signed in for this desk. */
  started: boolean;
  registration: RegistrationState;
  registrationDetail: string | null;
  /** Live calls first, then ended ones still shown (the last few). */
  calls: PhoneCall[];
  devices: DevicePrefs;
}

/** Everything the engine reports; the store turns these into plain state. */
export type PhoneEvent =
  | { type: 'registration'; state: RegistrationState; detail: string | null }
  /** An inbound call rings (the desk opens the pop). */
  | { type: 'incoming'; call: CallOffer }
  /** Any change of a call: phase, hold, mute, failure, end. The whole call each time. */
  | { type: 'call'; call: PhoneCall }
  /** Device choices changed, or a device came or went. */
  | { type: 'devices'; prefs: DevicePrefs; microphone: SeatDevices['microphone'] };

export interface DialOptions {
  /** Sent as X-Hotline-Context: the citizen's call this call serves (consult call). */
  contextCallId?: string;
  /** Offer video as well (a call to the sign-language seat). */
  video?: boolean;
}

/** DTMF as RFC 4733 telephone-events in the RTP stream (default) or SIP INFO. */
export type DtmfMode = 'rfc4733' | 'info';

export interface PhoneStartOptions {
  /** The centre's DTMF mode; an agent's DevicePrefs.dtmf overrides it. */
  dtmf?: DtmfMode;
}

/** The phone as the desk sees it: commands in, PhoneEvents out. */
export interface PhoneControl {
  /** Starts the user agent and keeps it registered until stop(). */
  start(config: SipConfig, options?: PhoneStartOptions): Promise<void>;
  stop(): Promise<void>;
  snapshot(): Promise<PhoneSnapshot>;
  answer(callId: string): Promise<void>;
  /** Declines a ringing call, cancels a dialling one, or ends an answered one. */
  hangup(callId: string): Promise<void>;
  hold(callId: string): Promise<void>;
  resume(callId: string): Promise<void>;
  setMuted(callId: string, muted: boolean): Promise<void>;
  /** Digits 0-9, *, #, A-D; sent one after another. */
  sendDtmf(callId: string, digits: string): Promise<void>;
  /**
   * Calls a number: an extension (another seat), a queue line, or an outside number (a
   * citizen to call back, a department, 110) that the PBX sends to the trunk. Resolves
   * with the new call's id once the INVITE is out; failures come as `call` events.
   */
  dial(target: string, options?: DialOptions): Promise<string>;
  /**
   * Blind transfer (REFER, RFC 3515) of an answered call to a number, an extension or a
   * queue line. The far end's user agent makes the new call; this call ends once it
   * accepts. Progress comes as `call` events (PhoneCall.transfer).
   */
  transfer(callId: string, target: string): Promise<void>;
  /**
   * Attended transfer: the far end of `callId` is REFERred to the party of `consultCallId`
   * with Replaces (RFC 3891), so the citizen and the specialist talk and both lines end
   * here.
   */
  completeTransfer(callId: string, consultCallId: string): Promise<void>;
  /**
   * Three-way call: the two answered lines are mixed here (WebAudio), so the citizen, the
   * specialist and the agent all hear each other. Hanging up either line, or split(),
   * goes back to two-way with the other.
   */
  conference(callIdA: string, callIdB: string): Promise<void>;
  /** Ends the mix of a three-way call without hanging up: both lines stay, one held. */
  split(callId: string): Promise<void>;
  /** Plays the ring tone once with these choices (the device settings' test button). */
  testRing(prefs: DevicePrefs): Promise<void>;
  /** Asks for microphone permission if needed, then lists the devices. */
  listDevices(): Promise<SeatDevices>;
  /** Applies and remembers the choices (live calls switch device at once). */
  setDevicePrefs(prefs: DevicePrefs): Promise<void>;
  subscribe(listener: (event: PhoneEvent) => void): () => void;
}
