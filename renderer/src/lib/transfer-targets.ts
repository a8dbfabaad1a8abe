import { QUEUE_OF_DIALLED, type QueueName } from '../../../shared/acd-protocol';

/**
 * Where an agent passes a call on: the specialist seats' lines (a queue each, with its
 * own skill: QUEUE_OF_DIALLED), the outside psychological care hotline, another seat's
 * extension, or any number the PBX can reach.
 */

/** The specialist queues an agent transfers or consults to, in the dialog's order. */
export const SPECIALIST_QUEUES = [
  'sign-language',
  'psychological',
  'policy-expert',
  'enterprise',
] as const satisfies readonly QueueName[];
export type SpecialistQueue = (typeof SPECIALIST_QUEUES)[number];

export interface SpecialistLine {
  queue: SpecialistQueue;
  /** The line the PBX hands to the queue (12345 and one digit). */
  number: string;
}

function lineOf(queue: SpecialistQueue): SpecialistLine {
  const number = Object.keys(QUEUE_OF_DIALLED).find((n) => QUEUE_OF_DIALLED[n] === queue);
  if (!number) throw new Error(`QUEUE_OF_DIALLED has no line for the ${queue} queue`);
  return { queue, number };
}

export const SPECIALIST_LINES: readonly SpecialistLine[] = SPECIALIST_QUEUES.map(lineOf);

/** The sign-language seat takes video: a consult to its line may offer video. */
export const SIGN_LANGUAGE_LINE = lineOf('sign-language').number;

/**
 * The outside psychological care hotline the psychological seat hands callers to, through
 * the PBX's trunk. 12356 is the national psychological assistance line.
 * TODO(issue 5): the centre configures this number (a hub setting handed out at sign-in);
 * until then it is fixed here.
 */
export const PSYCH_CARE_HOTLINE = '12356';

/** What the transfer dialog offers to pick. */
export type TransferChoice = SpecialistQueue | 'care-hotline' | 'extension' | 'number';

/** Extensions are 3 to 6 digits (the seat's sign-in asks the same). */
const EXTENSION = /^[0-9]{3,6}$/;
/** What the hub takes as a handover target (HandoverRequestSchema): digits, 2 to 20. */
const NUMBER = /^\+?[0-9]{2,20}$/;

/**
 * The number a choice dials, or null when the typed part is not one: the typed text
 * loses spaces and dashes first, as the dial pad does.
 */
export function transferTarget(choice: TransferChoice, typed: string): string | null {
  if (choice === 'care-hotline') return PSYCH_CARE_HOTLINE;
  if (choice !== 'extension' && choice !== 'number') return lineOf(choice).number;
  const digits = typed.replace(/[\s-]/g, '');
  return (choice === 'extension' ? EXTENSION : NUMBER).test(digits) ? digits : null;
}
