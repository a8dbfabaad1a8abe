import type { Core, Notification, Session } from 'sip.js';
import type { CallTransfer, SipFailureCode } from './phone-types';
import { sipFailure } from './sip-failure';

/**
 * Transfers with REFER (RFC 3515): the seat asks the far end's user agent to call someone
 * else. Kamailio is a proxy, not a B2BUA, so the REFER reaches the caller's own user agent,
 * which makes the new call itself and reports on it in NOTIFYs with a message/sipfrag body
 * (RFC 3515 §2.4.5).
 *
 *   pending ──NOTIFY 1xx/2xx (blind) or 2xx (attended)──▶ accepted: the call ends here
 *      │
 *      └──REFER refused, NOTIFY 3xx-6xx, or no deciding NOTIFY within 30 s of the 202
 *         ──▶ failed: the call stays (resumed if held)
 *
 * A blind transfer counts as taken once the far end started the new call (a 1xx): from
 * then on the agent has nothing more to do with it. An attended transfer waits for the 2xx:
 * until the citizen talks to the specialist, both lines stay with the agent.
 */

/** What a REFER's progress tells the transfer. */
export interface ReferProgress {
  /** The REFER got a 2xx (202 Accepted). */
  onAccepted(): void;
  /** The REFER was refused: its final status. */
  onRefused(status: number, reason: string): void;
  /** A NOTIFY came with the new call's status line (its sipfrag). */
  onNotify(status: number, reason: string): void;
}

/**
 * The status line of a message/sipfrag NOTIFY body ("SIP/2.0 180 Ringing"), or null when
 * the body is not one.
 */
export function sipfragStatus(body: string): { status: number; reason: string } | null {
  const match = /^SIP\/2\.0\s+([1-6]\d\d)(?:[ \t]+([^\r\n]*))?/.exec(body.trimStart());
  if (!match) return null;
  return { status: Number(match[1]), reason: (match[2] ?? '').trim() };
}

/** The transfer state a NOTIFY status moves to, or null when it changes nothing yet. */
export function stateAfterNotify(
  kind: CallTransfer['kind'],
  status: number,
): CallTransfer['state'] | null {
  if (status >= 300) return 'failed';
  if (status >= 200) return 'accepted';
  return kind === 'blind' ? 'accepted' : null;
}

/**
 * The transfer as it failed: the status of the refused REFER or of the new call. `code`
 * overrides the one the status gives (a transfer that never reported back: `timeout`).
 */
export function failedTransfer(
  transfer: CallTransfer,
  status: number | null,
  detail: string,
  code?: SipFailureCode,
): CallTransfer {
  const failure = sipFailure(status, detail);
  return { ...transfer, state: 'failed', failure: code ? { ...failure, code } : failure };
}

/**
 * The Replaces value (RFC 3891 §6.1) that names `session`'s dialog to its far end: there
 * our tag is the from-tag and theirs the to-tag, as the recipient matches it against its
 * own dialog (its local tag first).
 */
export function replacesOf(session: Session): string {
  const dialog = session.dialog;
  if (!dialog) throw new Error('The consult call has no dialog yet; it must be answered first');
  return `${dialog.callId};to-tag=${dialog.remoteTag};from-tag=${dialog.localTag}`;
}

/**
 * Whom the citizen is referred to in an attended transfer: the seat that answered the
 * consult call. A consult to a queue line is answered by the seat the hub picked; a REFER
 * to the dialled line would put the citizen's INVITE with Replaces back in the queue
 * (RFC 3891 §3: Replaces only works at the user agent that holds the dialog). In order:
 * the extension the answering seat named in its 200 OK (X-Hotline-Seat), the user of the
 * consult dialog's remote target when that is a plain extension (a SIP phone's Contact;
 * a WebSocket seat's is a token on a `.invalid` host), else the dialled number.
 */
export function attendedTarget(consult: {
  answeredBy: string | null;
  remoteTarget: Core.URI | undefined;
  dialled: string;
}): string {
  if (consult.answeredBy) return consult.answeredBy;
  const user = consult.remoteTarget?.user ?? '';
  const host = consult.remoteTarget?.host ?? '';
  if (/^[0-9]{2,20}$/.test(user) && !host.endsWith('.invalid')) return user;
  return consult.dialled;
}

/**
 * A Refer-To value: the target's address of record in the seat's domain, with a Replaces
 * header for an attended transfer. The address of record, not the target's Contact as
 * sip.js's `refer(session)` puts: a WebSocket seat's Contact is a `.invalid` host that only
 * Kamailio's in-dialog alias handling resolves, so a new INVITE to it would get 404, while
 * the address of record is found by lookup("location").
 */
export function referTo(target: string, domain: string, replaces?: string): string {
  const uri = `sip:${target}@${domain}`;
  return replaces ? `<${uri}?Replaces=${encodeURIComponent(replaces)}>` : `<${uri}>`;
}

/**
 * Sends a REFER on `session` with `referToValue` in angle brackets (sip.js's public
 * `refer(uri)` writes a bare URI, which a URI with headers must not be, RFC 3261 §20) and
 * feeds its answer and the NOTIFYs that follow into `progress`. Every NOTIFY is answered
 * 200, also one whose body cannot be read.
 */
export async function sendRefer(
  session: Session,
  referToValue: string,
  progress: ReferProgress,
): Promise<void> {
  const headers = [
    `Referred-By: <${session.userAgent.configuration.uri.toString()}>`,
    ...(session._contact ? [`Contact: ${session._contact}`] : []),
    `Refer-To: ${referToValue}`,
  ];
  const onNotify = (notification: Notification) => {
    void notification.accept();
    const line = sipfragStatus(notification.request.body ?? '');
    if (line) progress.onNotify(line.status, line.reason);
  };
  await session._refer(
    onNotify,
    {
      onAccept: () => progress.onAccepted(),
      onReject: (response: Core.IncomingResponse) => {
        const { statusCode, reasonPhrase } = response.message;
        progress.onRefused(statusCode ?? 500, reasonPhrase ?? '');
      },
    },
    { extraHeaders: headers },
  );
}
