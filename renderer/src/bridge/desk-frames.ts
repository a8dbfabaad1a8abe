import {
  DESK_ERROR_CODES,
  DESK_EVENTS,
  DESK_METHODS,
  DeskCallError,
  type DeskErrorBody,
  type DeskErrorCode,
  type DeskEvent,
  type DeskEventPayload,
  type DeskMethod,
  type DeskResult,
} from '../../../shared/desk-api';
import { createLogger, describeError } from '../lib/log';
import { markPop } from './pop-marks';

const log = createLogger('seat.ui.bridge');

/** The error of a failed answer, whatever carried it; unknown codes become `internal`. */
export function errorFromFrame(method: DeskMethod, error: unknown): DeskCallError {
  const body = (error ?? {}) as Partial<DeskErrorBody>;
  const code = DESK_ERROR_CODES.includes(body.code as DeskErrorCode)
    ? (body.code as DeskErrorCode)
    : 'internal';
  const message = typeof body.message === 'string' ? body.message : `${method} failed`;
  const field = typeof body.field === 'string' ? body.field : undefined;
  return new DeskCallError(code, message, field);
}

/** Checks an answer against the contract: the renderer trusts no transport blindly. */
export function parseResult<M extends DeskMethod>(
  method: M,
  result: unknown,
  label: string,
): DeskResult<M> {
  const parsed = DESK_METHODS[method].result.safeParse(result);
  if (!parsed.success) {
    throw new DeskCallError('internal', `The answer to ${label} is malformed.`);
  }
  return parsed.data as DeskResult<M>;
}

/** Desk event listeners by name; payloads are validated before any listener sees them. */
export class DeskEventHub {
  private readonly listeners = new Map<DeskEvent, Set<(payload: never) => void>>();

  on<E extends DeskEvent>(event: E, listener: (payload: DeskEventPayload<E>) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    const entry = listener as (payload: never) => void;
    set.add(entry);
    return () => set.delete(entry);
  }

  dispatch(name: string, payload: unknown): void {
    if (!Object.hasOwn(DESK_EVENTS, name)) {
      log.warn(`Dropped an event of unknown name ${name}.`);
      return;
    }
    const event = name as DeskEvent;
    const parsed = DESK_EVENTS[event].safeParse(payload);
    if (!parsed.success) {
      log.warn(`Dropped a malformed ${event} event.`);
      return;
    }
    if (event === 'call.offered') markPop('parsed', (parsed.data as { callId: string }).callId);
    for (const listener of this.listeners.get(event) ?? []) {
      try {
        listener(parsed.data as never);
      } catch (error) {
        log.error(`A ${event} listener failed: ${describeError(error)}.`);
      }
    }
  }
}
