import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { queryInt } from '../../shared/query-int.js';
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

  it.each([
    [z.object({ n: z.int() }), { n: 1.5 }, 'n must be a whole number, got 1.5'],
    [z.object({ n: z.number() }), { n: true }, 'n must be a number, got true'],
    [z.object({ s: z.string() }), { s: 5 }, 's must be text, got 5'],
    [z.object({ b: z.boolean() }), { b: 'yes' }, 'b must be true or false, got "yes"'],
    [z.object({ n: z.int().min(1) }), { n: 0 }, 'n must be at least 1'],
    [z.object({ n: z.int().max(9) }), { n: 10 }, 'n must be at most 9'],
    [z.object({ n: z.number().positive() }), { n: 0 }, 'n must be more than 0'],
    [z.object({ s: z.string().min(3) }), { s: 'ab' }, 's must be at least 3 characters long'],
    [z.object({ a: z.array(z.int()).min(1) }), { a: [] }, 'a needs at least 1 item'],
  ])('says %# in plain English naming the field', (schema, input, message) => {
    expect(refusal(schema, input).message).toBe(message);
  });

  it.each(['1e1', '0x10', '', ' 5', '5.0', '-1'])(
    'takes only decimal digits for a query number, not %j',
    (limit) => {
      const error = refusal(z.object({ limit: queryInt(0, 100, 10) }), { limit });
      expect(error.message).toBe('limit must be a whole number, in digits 0-9');
      expect(error.field).toBe('limit');
    },
  );

  it('reads a query number of digits, and one already parsed, alike', () => {
    const schema = z.object({ limit: queryInt(1, 100, 20) });
    expect(parseOrThrow(schema, { limit: '007' })).toEqual({ limit: 7 });
    expect(parseOrThrow(schema, { limit: 7 })).toEqual({ limit: 7 });
    expect(parseOrThrow(schema, {})).toEqual({ limit: 20 });
    expect(refusal(schema, { limit: '0' }).message).toBe('limit must be at least 1');
  });
});
