import { DeskCallError, type DeskErrorCode } from '../../../shared/desk-api';

/**
 * The renderer could not reach the seat core at all (the seat host's socket is down or
 * never opened). It is a DeskCallError with code `internal`, so callers that only know the
 * contract still handle it; the UI tells it apart to say "the seat service is down"
 * rather than "the seat service failed".
 */
export class SeatUnreachableError extends DeskCallError {
  constructor(message: string) {
    super('internal', message);
    this.name = 'SeatUnreachableError';
  }
}

/** Codes the UI translates: the contract's, plus the renderer's own link failure. */
export type UiErrorCode = DeskErrorCode | 'seat-unreachable';

/** A failure as plain, serialisable state. */
export interface ErrorInfo {
  code: UiErrorCode;
  /** English detail, for tooltips and logs; the UI shows the translated code. */
  message: string;
  field?: string;
}

export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof SeatUnreachableError) {
    return { code: 'seat-unreachable', message: error.message };
  }
  if (error instanceof DeskCallError) {
    const info: ErrorInfo = { code: error.code, message: error.message };
    if (error.field) info.field = error.field;
    return info;
  }
  return { code: 'internal', message: error instanceof Error ? error.message : String(error) };
}
