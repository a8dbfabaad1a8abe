import type { Core, Session, Web } from 'sip.js';

/**
 * The seat's own re-INVITEs (RFC 3261 §14): hold and resume (RFC 3264 §8.4 directions),
 * and the target refresh after a reconnect. One at a time per call (Line.reinviting).
 */

/** sip.js's web handler options carry `hold`; its generic session options type does not. */
export function holdOptions(hold: boolean): Web.SessionDescriptionHandlerOptions {
  return { hold };
}

/** An in-dialog request (re-INVITE, INFO) the far end answered with a failure: its status. */
export class ReInviteRefused extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Sends a re-INVITE offering `hold` (sendonly) or not (sendrecv); resolves on its 2xx,
 * rejects with ReInviteRefused on a failure answer, or with sip.js's error when it could
 * not go out.
 */
/** Settles an in-dialog request: resolves on its 2xx, rejects with its failure status. */
function answerDelegate(
  resolve: () => void,
  reject: (error: ReInviteRefused) => void,
): { onAccept(): void; onReject(response: Core.IncomingResponse): void } {
  return {
    onAccept: () => resolve(),
    onReject: (response) => {
      const { statusCode, reasonPhrase } = response.message;
      const status = statusCode ?? 500;
      reject(new ReInviteRefused(status, `the far end answered ${status} ${reasonPhrase}`));
    },
  };
}

export function reInvite(session: Session, hold: boolean): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    session
      .invite({
        sessionDescriptionHandlerOptions: holdOptions(hold),
        requestDelegate: answerDelegate(resolve, reject),
      })
      .catch(reject);
  });
}

/**
 * Sends an INFO (RFC 6086) with `body`; resolves on its 2xx, rejects with ReInviteRefused
 * (its status) on a failure answer, sip.js's internal 408 included, or with sip.js's error
 * when it could not go out.
 */
export function sendInfo(
  session: Session,
  body: { contentDisposition: string; contentType: string; content: string },
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    session
      .info({
        requestDelegate: answerDelegate(resolve, reject),
        requestOptions: { body },
      })
      .catch(reject);
  });
}

/**
 * RFC 3261 §12.2.1.2 and §14.1: a 408 or 481 to a request inside the dialog (a re-INVITE,
 * an INFO) means the dialog is gone; else null.
 */
export function dialogGoneStatus(error: unknown): number | null {
  if (!(error instanceof ReInviteRefused)) return null;
  return error.status === 408 || error.status === 481 ? error.status : null;
}
