import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { bdecode, bencode, type BValue } from './bencode.js';
import { pbxConfig } from './pbx.js';

/**
 * rtpengine's ng control protocol over UDP: `<cookie> <bencoded dict>` each way. Used by the
 * tests to prove that media flowed (SIP success alone proves nothing about media).
 */
export type NgDict = { [key: string]: BValue };

export async function ngRequest(
  command: NgDict,
  opts: { host?: string; port?: number; timeoutMs?: number } = {},
): Promise<NgDict> {
  const cfg = pbxConfig();
  const host = opts.host ?? cfg.rtpengineHost;
  const port = opts.port ?? cfg.rtpengineNgPort;
  const cookie = randomBytes(6).toString('hex');
  const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
  try {
    return await new Promise<NgDict>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`rtpengine ng ${host}:${port} did not answer '${command.command}'`)),
        opts.timeoutMs ?? 2000,
      );
      socket.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      socket.on('message', (msg) => {
        const space = msg.indexOf(0x20);
        if (space < 0 || msg.toString('ascii', 0, space) !== cookie) return;
        clearTimeout(timer);
        try {
          const reply = bdecode(msg.subarray(space + 1));
          if (typeof reply !== 'object' || Array.isArray(reply) || Buffer.isBuffer(reply)) {
            throw new Error('rtpengine reply is not a dictionary');
          }
          resolve(reply);
        } catch (err) {
          reject(err as Error);
        }
      });
      socket.send(Buffer.concat([Buffer.from(`${cookie} `), bencode(command)]), port, host);
    });
  } finally {
    socket.close();
  }
}

/** True when rtpengine answers an ng `ping` with `pong`. */
export async function rtpenginePing(timeoutMs = 1000): Promise<boolean> {
  try {
    const reply = await ngRequest({ command: 'ping' }, { timeoutMs });
    return reply.result === 'pong';
  } catch {
    return false;
  }
}

/** Packets and bytes rtpengine received from one party (one tag) of a call. */
export interface LegCounts {
  /** The SIP tag (From or To tag) rtpengine keys this party by. */
  tag: string;
  /** RTP/RTCP packets that arrived at rtpengine from this party (all its streams). */
  packets: number;
  bytes: number;
  errors: number;
  /** Transport protocols of this party's media, e.g. ["RTP/AVP"] or ["UDP/TLS/RTP/SAVPF"]. */
  protocols: string[];
}

export interface CallCounts {
  callId: string;
  legs: LegCounts[];
  /** rtpengine's own totals for the call, when it reports them. */
  totals: { rtpPackets: number; rtcpPackets: number };
  raw: NgDict;
}

const num = (v: BValue | undefined): number => (typeof v === 'number' ? v : 0);
const dict = (v: BValue | undefined): NgDict =>
  v && typeof v === 'object' && !Array.isArray(v) && !Buffer.isBuffer(v) ? v : {};
const list = (v: BValue | undefined): BValue[] => (Array.isArray(v) ? v : []);

/**
 * `query` for a Call-ID: per party (tag), the packets rtpengine received from it. A call with
 * media flowing both ways has every leg's `packets` above zero. Throws when rtpengine does
 * not know the call.
 */
export async function queryCallCounts(callId: string): Promise<CallCounts> {
  const raw = await ngRequest({ command: 'query', 'call-id': callId });
  if (raw.result !== 'ok') {
    throw new Error(
      `rtpengine query ${callId}: ${String(raw.result)} ${String(raw['error-reason'] ?? '')}`,
    );
  }
  const legs: LegCounts[] = [];
  for (const [tag, tagInfo] of Object.entries(dict(raw.tags))) {
    const leg: LegCounts = { tag, packets: 0, bytes: 0, errors: 0, protocols: [] };
    for (const media of list(dict(tagInfo).medias)) {
      const protocol = dict(media).protocol;
      if (typeof protocol === 'string') leg.protocols.push(protocol);
      for (const stream of list(dict(media).streams)) {
        const stats = dict(dict(stream).stats);
        leg.packets += num(stats.packets);
        leg.bytes += num(stats.bytes);
        leg.errors += num(stats.errors);
      }
    }
    legs.push(leg);
  }
  const totals = dict(raw.totals);
  return {
    callId,
    legs,
    totals: {
      rtpPackets: num(dict(totals.RTP).packets),
      rtcpPackets: num(dict(totals.RTCP).packets),
    },
    raw,
  };
}

/**
 * Polls queryCallCounts until every leg (at least `minLegs`) has received at least
 * `minPackets`, or the timeout passes (then returns the last counts; the test asserts).
 */
export async function waitForMediaBothWays(
  callId: string,
  opts: { minPackets?: number; minLegs?: number; timeoutMs?: number } = {},
): Promise<CallCounts> {
  const minPackets = opts.minPackets ?? 10;
  const minLegs = opts.minLegs ?? 2;
  const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
  let last: CallCounts | undefined;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      last = await queryCallCounts(callId);
      if (last.legs.length >= minLegs && last.legs.every((l) => l.packets >= minPackets)) {
        return last;
      }
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  if (last) return last;
  throw lastError instanceof Error ? lastError : new Error(`no rtpengine counts for ${callId}`);
}
