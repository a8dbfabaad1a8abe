import { createLogger, describeError } from '../lib/log';
import {
  PHONE_METHODS,
  RequestFrameSchema,
  describeIssue,
  type PhoneErrorCode,
  type PhoneMethod,
  type PortLike,
  type RequestFrame,
  type ResponseFrame,
} from './phone-channel-frames';
import type { PhoneControl, PhoneEvent } from './phone-types';

const engineLog = createLogger('seat.phone.channel.engine');

/** A desk connection being served; `close()` stops answering it. */
export interface PhoneConnection {
  close(): void;
}

const served = new WeakMap<PhoneControl, ServedDesk>();

/**
 * Serves `engine` to the desk at the other end of `port`. The engine outlives many desks
 * (each reload brings a new port): all are answered, but only the newest gets events, and
 * the one before is told it was superseded and closed. A bad frame gets an error answer
 * that names what is wrong; nothing a desk sends can throw inside the engine.
 */
export function servePhone(engine: PhoneControl, port: PortLike): PhoneConnection {
  served.get(engine)?.supersede();
  const desk = new ServedDesk(engine, port);
  served.set(engine, desk);
  return desk;
}

class ServedDesk implements PhoneConnection {
  private unsubscribe: (() => void) | null;
  private closed = false;

  constructor(
    private readonly engine: PhoneControl,
    private readonly port: PortLike,
  ) {
    port.addEventListener('message', (event) => void this.receive(event.data));
    port.start?.();
    this.unsubscribe = engine.subscribe((event) => this.post({ kind: 'event', event }));
    engineLog.info('A desk connected; it gets the phone events from now on.');
  }

  supersede(): void {
    if (this.closed) return;
    this.post({ kind: 'superseded' });
    this.close();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.port.close?.();
  }

  private async receive(data: unknown): Promise<void> {
    if (this.closed) return;
    const frame = RequestFrameSchema.safeParse(data);
    if (!frame.success) {
      const id = readId(data);
      const message = describeIssue(frame.error, 'phone request frame');
      engineLog.warn(`Refused a bad frame${id === null ? '' : ` #${id}`}: ${message}.`);
      this.answerError(id, 'bad-frame', message);
      return;
    }
    const { id, method } = frame.data;
    if (!Object.hasOwn(PHONE_METHODS, method)) {
      this.answerError(id, 'unknown-method', `unknown phone method: ${method}`);
      return;
    }
    await this.run(frame.data, method as PhoneMethod);
  }

  private async run(frame: RequestFrame, method: PhoneMethod): Promise<void> {
    const args = PHONE_METHODS[method].args.safeParse(frame.args);
    if (!args.success) {
      const message = describeIssue(args.error, `${method} args`);
      engineLog.warn(`Refused ${method} #${frame.id}: ${message}.`);
      this.answerError(frame.id, 'bad-frame', message);
      return;
    }
    try {
      const call = this.engine[method] as (...a: unknown[]) => Promise<unknown>;
      const result = await call.apply(this.engine, args.data);
      this.post({ kind: 'response', id: frame.id, ok: true, result });
    } catch (error) {
      this.answerError(frame.id, 'engine', describeError(error));
    }
  }

  private answerError(id: number | null, code: PhoneErrorCode, message: string): void {
    this.post({ kind: 'response', id, ok: false, error: { code, message } });
  }

  private post(
    frame: ResponseFrame | { kind: 'event'; event: PhoneEvent } | { kind: 'superseded' },
  ) {
    if (this.closed) return;
    try {
      this.port.postMessage(frame);
    } catch (error) {
      // A result that cannot be cloned is the engine's bug; the desk still gets an answer.
      engineLog.error(`Could not post a ${frame.kind} frame: ${describeError(error)}.`);
      if (frame.kind === 'response' && frame.ok) {
        this.answerError(
          frame.id,
          'engine',
          `the answer could not be sent: ${describeError(error)}`,
        );
      }
    }
  }
}

function readId(data: unknown): number | null {
  if (typeof data !== 'object' || data === null || !('id' in data)) return null;
  return Number.isInteger(data.id) ? (data.id as number) : null;
}
