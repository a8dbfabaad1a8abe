import { Core, EmitterImpl, TransportState, type Transport } from 'sip.js';

/**
 * A fake SIP wire for tests: a sip.js Transport whose far end is the test. What the
 * UserAgent sends is parsed and kept; the test answers with real SIP text, so the whole
 * sip.js stack (transactions, dialogs, Registerer, Inviter, Invitation) runs for real.
 */
export class WireTransport implements Transport {
  /** The transport the latest UserAgent made. */
  static latest: WireTransport | null = null;

  readonly protocol = 'WSS';
  readonly sent: Array<Core.IncomingRequestMessage | Core.IncomingResponseMessage> = [];
  onConnect: (() => void) | undefined;
  onDisconnect: ((error?: Error) => void) | undefined;
  onMessage: ((message: string) => void) | undefined;
  private readonly emitter = new EmitterImpl<TransportState>();
  private current = TransportState.Disconnected;
  private readonly logger = new Core.LoggerFactory().getLogger('test.wire');

  constructor() {
    WireTransport.latest = this;
  }

  get state(): TransportState {
    return this.current;
  }

  get stateChange() {
    return this.emitter;
  }

  connect(): Promise<void> {
    this.moveTo(TransportState.Connecting);
    this.moveTo(TransportState.Connected);
    this.onConnect?.();
    return Promise.resolve();
  }

  disconnect(): Promise<void> {
    this.moveTo(TransportState.Disconnected);
    this.onDisconnect?.();
    return Promise.resolve();
  }

  /** The far end went away (the PBX restarted, the network dropped). */
  drop(): void {
    this.moveTo(TransportState.Disconnected);
    this.onDisconnect?.(new Error('WebSocket closed (1006)'));
  }

  dispose(): Promise<void> {
    return Promise.resolve();
  }

  isConnected(): boolean {
    return this.current === TransportState.Connected;
  }

  send(message: string): Promise<void> {
    if (!this.isConnected()) return Promise.reject(new Error('WebSocket not connected'));
    const parsed = Core.Parser.parseMessage(message, this.logger);
    if (parsed) this.sent.push(parsed);
    return Promise.resolve();
  }

  /** Requests the UA sent, by method. */
  requests(method: string): Core.IncomingRequestMessage[] {
    return this.sent.filter(
      (m): m is Core.IncomingRequestMessage =>
        m instanceof Core.IncomingRequestMessage && m.method === method,
    );
  }

  /** Responses the UA sent, by status. */
  responses(status?: number): Core.IncomingResponseMessage[] {
    return this.sent.filter(
      (m): m is Core.IncomingResponseMessage =>
        m instanceof Core.IncomingResponseMessage &&
        (status === undefined || m.statusCode === status),
    );
  }

  deliver(text: string): void {
    this.onMessage?.(text);
  }

  private moveTo(state: TransportState): void {
    if (state === this.current) return;
    this.current = state;
    this.emitter.emit(state);
  }
}

export interface Reply {
  headers?: string[];
  body?: string;
  toTag?: string;
  contentType?: string;
}

/** A response to a request the UA sent, with the headers RFC 3261 §8.2.6 copies over. */
export function response(
  request: Core.IncomingRequestMessage,
  status: number,
  reason: string,
  reply: Reply = {},
): string {
  const lines = [`SIP/2.0 ${status} ${reason}`];
  for (const via of request.getHeaders('via')) lines.push(`Via: ${via}`);
  lines.push(`From: ${request.getHeader('from')}`);
  const to = request.getHeader('to') ?? '';
  lines.push(`To: ${reply.toTag && !/;tag=/.test(to) ? `${to};tag=${reply.toTag}` : to}`);
  lines.push(`Call-ID: ${request.callId}`);
  lines.push(`CSeq: ${request.getHeader('cseq')}`);
  lines.push(...(reply.headers ?? []));
  return finish(lines, reply.body, reply.contentType);
}

/** Puts a message/sipfrag body on a request `finish` made without one. */
function finishWith(text: string, sipfrag: string): string {
  const head = text.slice(0, text.indexOf('Content-Length:'));
  const body = `${sipfrag}\r\n`;
  return `${head}Content-Type: message/sipfrag;version=2.0\r\nContent-Length: ${
    new TextEncoder().encode(body).length
  }\r\n\r\n${body}`;
}

function finish(lines: string[], body = '', contentType = 'application/sdp'): string {
  if (body) lines.push(`Content-Type: ${contentType}`);
  lines.push(`Content-Length: ${new TextEncoder().encode(body).length}`);
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

/** The far end of one call: it writes the requests a caller's user agent would send. */
export class FarEnd {
  private cseq = 1;
  readonly fromTag = `far${Math.random().toString(36).slice(2, 8)}`;
  /** The seat's To tag, once it answered. */
  seatTag = '';
  /** The seat's Contact, for in-dialog requests. */
  seatContact = 'sip:seat@invalid;transport=ws';

  constructor(
    readonly callId: string,
    readonly caller = '13800138000',
    readonly seat = 'sip:1001@hotline.local',
  ) {}

  private request(method: string, uri: string, extra: string[], body?: string): string {
    const cseq = method === 'ACK' || method === 'CANCEL' ? this.cseq : ++this.cseq;
    const to = this.seatTag ? `<${this.seat}>;tag=${this.seatTag}` : `<${this.seat}>`;
    const lines = [
      `${method} ${uri} SIP/2.0`,
      `Via: SIP/2.0/WSS pbx.invalid;branch=z9hG4bK${method}${cseq}${this.callId}`,
      'Max-Forwards: 70',
      `From: <sip:${this.caller}@hotline.local>;tag=${this.fromTag}`,
      `To: ${to}`,
      `Call-ID: ${this.callId}`,
      `CSeq: ${cseq} ${method}`,
      `Contact: <sip:${this.caller}@127.0.0.1:5060>`,
      ...extra,
    ];
    return finish(lines, body);
  }

  invite(sdp: string | undefined, extra: string[] = []): string {
    this.cseq = 1;
    const lines = [
      'INVITE sip:1001@hotline.local SIP/2.0',
      `Via: SIP/2.0/WSS pbx.invalid;branch=z9hG4bKinvite${this.callId}`,
      'Max-Forwards: 70',
      `From: <sip:${this.caller}@hotline.local>;tag=${this.fromTag}`,
      `To: <${this.seat}>`,
      `Call-ID: ${this.callId}`,
      'CSeq: 1 INVITE',
      `Contact: <sip:${this.caller}@127.0.0.1:5060>`,
      ...extra,
    ];
    return finish(lines, sdp);
  }

  /** Takes the seat's tag and Contact from its 200 OK to our INVITE. */
  learn(ok: Core.IncomingResponseMessage): void {
    this.seatTag = ok.toTag ?? '';
    const contact = ok.parseHeader('contact') as Core.NameAddrHeader | undefined;
    if (contact) this.seatContact = contact.uri.toString();
  }

  ack(): string {
    return this.request('ACK', this.seatContact, [], undefined);
  }

  reInvite(sdp: string | undefined): string {
    return this.request('INVITE', this.seatContact, [], sdp);
  }

  bye(): string {
    return this.request('BYE', this.seatContact, []);
  }

  /** A NOTIFY of the implicit REFER subscription with a sipfrag (RFC 3515 §2.4.5). */
  notify(statusLine: string): string {
    const extra = ['Event: refer', 'Subscription-State: active;expires=60'];
    return finishWith(this.request('NOTIFY', this.seatContact, extra), statusLine);
  }

  /** The far end asks the seat to call someone else (the seat is the transferee). */
  refer(referTo: string): string {
    return this.request('REFER', this.seatContact, [`Refer-To: ${referTo}`]);
  }

  /** CANCEL matches the INVITE's branch and CSeq number (RFC 3261 §9.1). */
  cancel(): string {
    const lines = [
      'CANCEL sip:1001@hotline.local SIP/2.0',
      `Via: SIP/2.0/WSS pbx.invalid;branch=z9hG4bKinvite${this.callId}`,
      'Max-Forwards: 70',
      `From: <sip:${this.caller}@hotline.local>;tag=${this.fromTag}`,
      `To: <${this.seat}>`,
      `Call-ID: ${this.callId}`,
      'CSeq: 1 CANCEL',
    ];
    return finish(lines);
  }
}

/** A minimal far-end SDP with the given audio direction (and video when asked). */
export function farSdp(
  direction = 'sendrecv',
  options: { video?: boolean; address?: string } = {},
): string {
  const address = options.address ?? 'IN IP4 127.0.0.1';
  const lines = [
    'v=0',
    'o=- 1 1 IN IP4 127.0.0.1',
    's=-',
    `c=${address}`,
    't=0 0',
    'm=audio 40000 RTP/AVP 0 101',
    'a=rtpmap:0 PCMU/8000',
    'a=rtpmap:101 telephone-event/8000',
    `a=${direction}`,
  ];
  if (options.video)
    lines.push('m=video 40002 RTP/AVP 96', 'a=rtpmap:96 VP8/90000', `a=${direction}`);
  return `${lines.join('\r\n')}\r\n`;
}
