import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { HttpError, parseOrThrow } from './errors.js';

function refusal(schema: z.ZodType, input: unknown): HttpError {
  try {
    parseOrThrow(schema, input);
  } catch (error) {
    if (error instanceof HttpError) return error;
    throw error;
  }
  throw new Error('the input was accepted');
}

describe('invalidRequest', () => {
  it('keeps a schema’s own message for a bad format', () => {
    const schema = z.object({
      extension: z.string().regex(/^\d{3,6}$/, 'extension must be 3 to 6 digits'),
    });
    const error = refusal(schema, { extension: '10a1' });
    expect(error.message).toBe('extension must be 3 to 6 digits');
    expect(error.field).toBe('extension');
  });

  it('names the field when the schema’s own message does not', () => {
    const schema = z.object({ seat: z.object({ id: z.string().regex(/^s-/, 'starts with s-') }) });
    expect(refusal(schema, { seat: { id: 'x' } }).message).toBe('seat.id: starts with s-');
  });

  it('shows the pattern of a regex that has no message of its own', () => {
    const schema = z.object({ code: z.string().regex(/^\d+$/) });
    expect(refusal(schema, { code: 'x' }).message).toBe('code must match /^\\d+$/');
  });

  it('names the format zod checked when there is no message of its own', () => {
    expect(refusal(z.object({ id: z.uuid() }), { id: 'x' }).message).toBe(
      'id must be a valid uuid',
    );
  });
});
