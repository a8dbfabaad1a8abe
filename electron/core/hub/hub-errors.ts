/**
 * What can go wrong when the seat asks the hub. Callers tell "the hub is not there"
 * (retry later, work offline) from "the hub said no" (show it, maybe never retry).
 */

/** No answer: connection refused, DNS, timeout, reset, or a 502/503/504 from a proxy. */
export class HubUnreachableError extends Error {
  override readonly name = 'HubUnreachableError';
}

/** The hub answered with an error status and (usually) an `ApiError` body. */
export class HubHttpError extends Error {
  override readonly name = 'HubHttpError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** The hub answered 2xx with a body that does not match the contract in shared/. */
export class HubProtocolError extends Error {
  override readonly name = 'HubProtocolError';
}

/**
 * A request was not sent: the session it was made for ended (a sign-out, another agent
 * signed in) before it went out. Nothing reached the hub.
 */
export class HubSessionChangedError extends Error {
  override readonly name = 'HubSessionChangedError';
}
