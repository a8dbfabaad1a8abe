import { TransportState, Web, type Core } from 'sip.js';

/** sip.js sends this as a keep-alive ping (RFC 5626 §3.5.1, used over WebSocket by RFC 7118 §6). */
const PING = '\r\n\r\n';
const PONG = '\r\n';
/** No pong this long after a ping: the connection is dead (a half-open TCP, a gone NAT). */
export const PONG_TIMEOUT_MS = 10_000;

/**
 * The SIP-over-WebSocket transport of the seat: sip.js's own, plus the half of RFC 5626
 * §3.5.1 it lacks. sip.js 0.21 sends double-CRLF pings and takes any CRLF-only frame as a
 * pong, but it never answers a ping from the server: here a frame of exactly CRLF CRLF is
 * answered with one CRLF (CASES F01). And where sip.js only stops waiting when no pong
 * comes, here a missing pong closes the socket, so the phone reconnects instead of
 * believing a dead connection; only once the server has shown it answers pings, so a PBX
 * that ignores them is not dropped every half minute.
 */
export class SeatTransport extends Web.Transport {
  private watched: WebSocket | undefined;
  private pongTimer: ReturnType<typeof setTimeout> | undefined;
  /** This socket's server has answered a ping: from then on a missing pong means dead. */
  private pongSeen = false;

  constructor(logger: Core.Logger, options?: Web.TransportOptions) {
    super(logger, options);
    this.stateChange.addListener((state) => {
      if (state === TransportState.Connected) this.watch();
      else this.clearPongTimer();
    });
  }

  override send(message: string): Promise<void> {
    if (message === PING && this.pongSeen && !this.pongTimer) {
      const socket = this.ws;
      this.pongTimer = setTimeout(() => {
        this.pongTimer = undefined;
        if (socket && socket === this.ws) socket.close(4000, 'no keep-alive pong');
      }, PONG_TIMEOUT_MS);
    }
    return super.send(message);
  }

  override dispose(): Promise<void> {
    this.clearPongTimer();
    return super.dispose();
  }

  private watch(): void {
    const socket = this.ws;
    if (!socket || socket === this.watched) return;
    this.watched = socket;
    this.pongSeen = false;
    socket.addEventListener('message', (event: MessageEvent) => {
      if (socket !== this.ws || typeof event.data !== 'string') return;
      if (!/^(\r\n)+$/.test(event.data)) return;
      this.clearPongTimer();
      this.pongSeen = true;
      if (event.data === PING && socket.readyState === socket.OPEN) socket.send(PONG);
    });
  }

  private clearPongTimer(): void {
    if (this.pongTimer) clearTimeout(this.pongTimer);
    this.pongTimer = undefined;
  }
}
