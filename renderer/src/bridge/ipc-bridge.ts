import type {
  DeskBridge,
  DeskEvent,
  DeskEventPayload,
  DeskMethod,
  DeskParams,
  DeskResult,
  DeskTransport,
} from '../../../shared/desk-api';
import { DeskEventHub, errorFromFrame, parseResult } from './desk-frames';

/**
 * The desk API over Electron IPC: the preload's `window.deskTransport` carries frames,
 * this turns them into results and DeskCallErrors. IPC has no link to lose.
 */
export class IpcDeskBridge implements DeskBridge {
  private readonly events = new DeskEventHub();

  constructor(private readonly transport: DeskTransport) {
    transport.subscribe((frame) => this.events.dispatch(frame.event, frame.payload));
  }

  async call<M extends DeskMethod>(method: M, params: DeskParams<M>): Promise<DeskResult<M>> {
    const frame = await this.transport.request(method, params);
    if (!frame.ok) throw errorFromFrame(method, frame.error);
    return parseResult(method, frame.result, method);
  }

  on<E extends DeskEvent>(event: E, listener: (payload: DeskEventPayload<E>) => void): () => void {
    return this.events.on(event, listener);
  }
}
