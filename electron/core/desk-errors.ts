import type { z } from 'zod';
import type { DeskErrorBody, DeskErrorCode } from '../../shared/desk-api.js';
import { HubHttpError, HubProtocolError, HubUnreachableError } from './hub/hub-errors.js';

/** A refusal the adapter passes to the renderer as it is. */
export class DeskError extends Error {
  override readonly name = 'DeskError';

  constructor(
    readonly code: DeskErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }

  toBody(): DeskErrorBody {
    return this.field === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, field: this.field };
  }
}

/**
 * The first offending field of a refused request, as a dotted path. Unlike the plain
 * issue path, an unexpected key is named itself (`order.colour`), not its parent.
 */
export function describeIssue(error: z.ZodError): { field: string; message: string } {
  const issue = error.issues[0];
  if (!issue) return { field: '', message: 'invalid request' };
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys' && issue.keys[0] !== undefined) path.push(issue.keys[0]);
  const field = path.join('.');
  return { field, message: `${field || 'params'}: ${issue.message}` };
}

/** Maps an error from the hub client to what the desk says; null for anything else. */
export function fromHubError(err: unknown): DeskError | null {
  if (err instanceof HubUnreachableError) return new DeskError('hub-unreachable', err.message);
  if (err instanceof HubProtocolError) return new DeskError('internal', err.message);
  if (!(err instanceof HubHttpError)) return null;
  if (err.status === 401) {
    return new DeskError('not-logged-in', 'The hub no longer accepts this session; sign in again.');
  }
  if (err.status === 400 || err.status === 422) {
    return new DeskError('bad-request', `The hub refused the request: ${err.message}`, err.field);
  }
  if (err.status >= 500) {
    return new DeskError('hub-unreachable', `The hub failed (HTTP ${err.status}): ${err.message}`);
  }
  return new DeskError('internal', `The hub answered HTTP ${err.status}: ${err.message}`);
}
