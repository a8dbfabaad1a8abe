/**
 * Checks on what the agent types into the phone: digits to dial and DTMF digits. Each
 * throws an Error that names the bad input, so the desk can show it as it is.
 */

const DTMF = /^[0-9*#A-D]{1,32}$/;
const TARGET = /^\+?[0-9]{2,20}$/;

/** DTMF digits as RFC 4733 knows them (0-9, *, #, A-D), 1 to 32 at a time. */
export function checkDtmfDigits(digits: string): string {
  const upper = digits.toUpperCase();
  if (!DTMF.test(upper)) {
    throw new Error(`DTMF digits must be 1 to 32 of 0-9, *, #, A-D; got "${digits}"`);
  }
  return upper;
}

/**
 * A number to dial: digits with an optional leading +, 2 to 20 characters in all after
 * spaces and dashes are dropped ("010-1234 5678" is fine).
 */
export function checkDialTarget(target: string): string {
  const compact = target.replace(/[\s-]/g, '');
  if (!TARGET.test(compact) || compact.length > 20) {
    throw new Error(
      `A number to dial is 2 to 20 digits with an optional leading +; got "${target}"`,
    );
  }
  return compact;
}

/** Content type of a SIP INFO that carries one DTMF digit (the de-facto dtmf-relay). */
export const DTMF_INFO_CONTENT_TYPE = 'application/dtmf-relay';

/** The body of that INFO: the digit and its length in ms. */
export function dtmfInfoBody(digit: string, durationMs = 160): string {
  return `Signal=${digit}\r\nDuration=${durationMs}`;
}

/** A SIP Call-ID as RFC 3261 §25.1 words it: word ["@" word], no spaces or line breaks. */
const CALL_ID =
  /^[A-Za-z0-9\-.!%*_+`'~()<>:\\"/[\]?{}]+(@[A-Za-z0-9\-.!%*_+`'~()<>:\\"/[\]?{}]+)?$/;

/**
 * The Call-ID a consult call serves (sent as X-Hotline-Context): 1 to 256 characters of a
 * SIP Call-ID, so it cannot break the header it goes into.
 */
export function checkContextCallId(callId: string): string {
  if (callId.length === 0 || callId.length > 256 || !CALL_ID.test(callId)) {
    throw new Error(`A context call id is a SIP Call-ID of 1 to 256 characters; got "${callId}"`);
  }
  return callId;
}

/**
 * Whether an SDP offers RFC 4733 telephone-events on its audio. An answer without them
 * leaves no way to send DTMF in the media: rtpengine drops a telephone-event the far end
 * answered with a payload number that was not offered ("stray answer codec"), so the
 * browser sees none.
 */
export function sdpHasTelephoneEvent(sdp: string): boolean {
  return /^a=rtpmap:\d+ telephone-event\//im.test(sdp);
}
