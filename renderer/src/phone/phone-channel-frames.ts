import { z } from 'zod';
import { SipConfigSchema } from '../../../shared/hub-api';
import type {
  DevicePrefs,
  PhoneCall,
  PhoneControl,
  PhoneEvent,
  PhoneSnapshot,
  SeatDevices,
} from './phone-types';

/**
 * The frames of the phone channel (phone-channel.ts), as zod schemas: what the desk may
 * ask the engine, with the arguments of each method, and what the engine answers and
 * reports. Both ends check every frame they get, since a frame crosses from one page (or
 * window) to another and either end may be an older or a broken build.
 */

const CallIdSchema = z.string().min(1).max(256);

const RegistrationStateSchema = z.enum([
  'idle',
  'connecting',
  'registering',
  'registered',
  'unregistered',
  'failed',
]);

const DevicePrefsSchema: z.ZodType<DevicePrefs> = z.strictObject({
  microphoneId: z.string().nullable(),
  speakerId: z.string().nullable(),
  ringerId: z.string().nullable(),
  cameraId: z.string().nullable(),
  ringVolume: z.number().min(0).max(1),
  ringTone: z.enum(['classic', 'soft', 'beep']),
  dtmf: z.enum(['rfc4733', 'info']).optional(),
});

const MicrophoneStateSchema = z.enum(['ok', 'missing', 'denied', 'unknown']);

const DeviceChoiceSchema = z.object({ deviceId: z.string(), label: z.string() });

const SeatDevicesSchema: z.ZodType<SeatDevices> = z.object({
  microphones: z.array(DeviceChoiceSchema),
  speakers: z.array(DeviceChoiceSchema),
  cameras: z.array(DeviceChoiceSchema),
  microphone: MicrophoneStateSchema,
});

const SipFailureSchema = z.object({
  code: z.enum([
    'busy',
    'declined',
    'not-found',
    'unavailable',
    'timeout',
    'not-acceptable',
    'no-microphone',
    'network',
    'cancelled',
    'dialog-lost',
    'own-extension',
    'refer-timeout',
    'refer-no-report',
    'other',
  ]),
  status: z.number().int().nullable(),
  detail: z.string(),
});

const CallTransferSchema = z.object({
  kind: z.enum(['blind', 'attended']),
  target: z.string(),
  state: z.enum(['pending', 'accepted', 'failed']),
  failure: SipFailureSchema.nullable(),
});

const PhoneCallSchema: z.ZodType<PhoneCall> = z.object({
  callId: CallIdSchema,
  direction: z.enum(['inbound', 'outbound']),
  remote: z.string(),
  queue: z.string(),
  waitMs: z.number(),
  phase: z.enum(['ringing', 'dialing', 'connecting', 'active', 'ended']),
  held: z.boolean(),
  remoteHeld: z.boolean(),
  muted: z.boolean(),
  video: z.boolean(),
  contextCallId: CallIdSchema.nullable(),
  conferencedWith: CallIdSchema.nullable(),
  transfer: CallTransferSchema.nullable(),
  startedAt: z.number(),
  answeredAt: z.number().nullable(),
  endedAt: z.number().nullable(),
  outcome: z.enum(['ended', 'missed', 'failed']).nullable(),
  failure: SipFailureSchema.nullable(),
});

const PhoneSnapshotSchema: z.ZodType<PhoneSnapshot> = z.object({
  started: z.boolean(),
  registration: RegistrationStateSchema,
  registrationDetail: z.string().nullable(),
  calls: z.array(PhoneCallSchema),
  devices: DevicePrefsSchema,
});

export const PhoneEventSchema: z.ZodType<PhoneEvent> = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('registration'),
    state: RegistrationStateSchema,
    detail: z.string().nullable(),
  }),
  z.object({
    type: z.literal('incoming'),
    call: z.object({
      callId: CallIdSchema,
      caller: z.string(),
      queue: z.string(),
      waitMs: z.number(),
    }),
  }),
  z.object({ type: z.literal('call'), call: PhoneCallSchema }),
  z.object({
    type: z.literal('devices'),
    prefs: DevicePrefsSchema,
    microphone: MicrophoneStateSchema,
  }),
]);

const none = z.tuple([]);
const oneCall = z.tuple([CallIdSchema]);
const twoCalls = z.tuple([CallIdSchema, CallIdSchema]);
/** A number as the agent types it; the engine checks it further (phone-input.ts). */
const TargetSchema = z.string().trim().min(1).max(64);
const DialOptionsSchema = z.strictObject({
  contextCallId: CallIdSchema.optional(),
  video: z.boolean().optional(),
});
const nothing = z.undefined();

/** The methods a desk may call: PhoneControl without subscribe (events come by themselves). */
export type PhoneMethod = Exclude<keyof PhoneControl, 'subscribe'>;

/**
 * Each method's arguments and result. The arguments are checked by the engine before it
 * acts, the results by the desk before it believes them.
 */
export const PHONE_METHODS = {
  start: {
    args: z.union([
      z.tuple([SipConfigSchema]),
      z.tuple([SipConfigSchema, z.strictObject({ dtmf: z.enum(['rfc4733', 'info']).optional() })]),
    ]),
    result: nothing,
  },
  stop: { args: none, result: nothing },
  snapshot: { args: none, result: PhoneSnapshotSchema },
  answer: { args: oneCall, result: nothing },
  hangup: { args: oneCall, result: nothing },
  hold: { args: oneCall, result: nothing },
  resume: { args: oneCall, result: nothing },
  setMuted: { args: z.tuple([CallIdSchema, z.boolean()]), result: nothing },
  sendDtmf: {
    args: z.tuple([
      CallIdSchema,
      z
        .string()
        .max(64)
        .regex(/^[0-9*#A-D]+$/, 'DTMF digits are 0-9, *, # and A-D'),
    ]),
    result: nothing,
  },
  dial: {
    args: z.union([z.tuple([TargetSchema]), z.tuple([TargetSchema, DialOptionsSchema])]),
    result: z.string().min(1),
  },
  transfer: { args: z.tuple([CallIdSchema, TargetSchema]), result: nothing },
  completeTransfer: { args: twoCalls, result: nothing },
  conference: { args: twoCalls, result: nothing },
  split: { args: oneCall, result: nothing },
  testRing: { args: z.tuple([DevicePrefsSchema]), result: nothing },
  listDevices: { args: none, result: SeatDevicesSchema },
  setDevicePrefs: { args: z.tuple([DevicePrefsSchema]), result: nothing },
} satisfies Record<PhoneMethod, { args: z.ZodType<unknown[]>; result: z.ZodType }>;

export const PHONE_METHOD_NAMES = Object.keys(PHONE_METHODS) as PhoneMethod[];

/** Codes of a failed answer: the frame was wrong, or the engine refused or failed. */
export const PHONE_ERROR_CODES = ['bad-frame', 'unknown-method', 'engine'] as const;
export type PhoneErrorCode = (typeof PHONE_ERROR_CODES)[number];

/** desk → engine */
export const RequestFrameSchema = z.strictObject({
  kind: z.literal('request'),
  id: z.number().int().positive(),
  method: z.string().min(1).max(64),
  args: z.array(z.unknown()).max(4),
});
export type RequestFrame = z.infer<typeof RequestFrameSchema>;

/** engine → desk: an answer (id null when the request's id could not be read). */
export const ResponseFrameSchema = z.discriminatedUnion('ok', [
  z.strictObject({
    kind: z.literal('response'),
    id: z.number().int().nullable(),
    ok: z.literal(true),
    result: z.unknown(),
  }),
  z.strictObject({
    kind: z.literal('response'),
    id: z.number().int().nullable(),
    ok: z.literal(false),
    error: z.strictObject({ code: z.enum(PHONE_ERROR_CODES), message: z.string() }),
  }),
]);
export type ResponseFrame = z.infer<typeof ResponseFrameSchema>;

/**
 * engine → desk: a PhoneEvent, or `superseded` when another desk connected and this one
 * gets no more events.
 */
export const NoticeFrameSchema = z.union([
  z.strictObject({ kind: z.literal('event'), event: z.unknown() }),
  z.strictObject({ kind: z.literal('superseded') }),
]);
export type NoticeFrame = { kind: 'event'; event: PhoneEvent } | { kind: 'superseded' };

/** A zod failure as one sentence naming the path: "args.0: expected string". */
export function describeIssue(error: z.ZodError, what: string): string {
  const issue = error.issues[0];
  if (!issue) return `${what} is invalid`;
  const where = issue.path.map(String).join('.');
  return `${what}${where ? ` ${where}` : ''}: ${issue.message}`;
}

/** What both ends need of a port: a DOM MessagePort, Electron's or node:worker_threads'. */
export interface PortLike {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  start?(): void;
  close?(): void;
}

/** Why a phone call over the channel failed; `code` tells the kinds apart. */
export class PhoneChannelError extends Error {
  constructor(
    readonly code: PhoneErrorCode | 'timeout' | 'no-engine' | 'bad-answer',
    message: string,
  ) {
    super(message);
    this.name = 'PhoneChannelError';
  }
}
