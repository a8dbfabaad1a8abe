import type { SipConfig } from '../../../shared/hub-api';

/**
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
 * How a call ended: `ended` after it was answered; `missed` when it rang out, the caller
 * gave up or the agent declined; `failed` when answering did not work (no microphone, no
 * media path).
 */
export type CallOutcome = 'ended' | 'missed' | 'failed';

/** Everything the phone service reports; the store turns these into plain state. */
export type PhoneEvent =
  | { type: 'registration'; state: RegistrationState; detail: string | null }
  | { type: 'incoming'; call: CallOffer }
  | { type: 'answered'; callId: string }
  | { type: 'ended'; callId: string; outcome: CallOutcome; detail: string | null };

/** The phone as the store sees it: commands in, PhoneEvents out. */
export interface PhoneControl {
  /** Starts the user agent and keeps it registered until stop(). */
  start(config: SipConfig): Promise<void>;
  stop(): Promise<void>;
  answer(): Promise<void>;
  /** Declines a ringing call, or ends an answered one. */
  hangup(): Promise<void>;
  subscribe(listener: (event: PhoneEvent) => void): () => void;
}
