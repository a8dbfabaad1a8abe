import type { z } from 'zod';

/**
 * An error the hub answers with a 4xx/5xx status and the `{ error: { code, message,
 * field? } }` body of shared/hub-api.ts. Handlers throw it; the app's error handler
 * turns it into the reply.
 */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

type Issue = z.core.$ZodIssue;

/** Walks `input` along an issue path to find the value the issue is about. */
function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = input;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function describe(value: unknown): string {
  if (typeof value === 'string') {
    return value.length > 40 ? JSON.stringify(value.slice(0, 40) + '…') : JSON.stringify(value);
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : String(value);
}

/**
 * Whether a schema gave the issue its own message (`.regex(re, 'extension must be 3 to 6
 * digits')`): zod's defaults all begin "Invalid", and a schema's own words say more.
 */
function hasOwnMessage(issue: Issue): boolean {
  return issue.message.length > 0 && !issue.message.startsWith('Invalid');
}

/**
 * The message as it is when it names the field's last segment; joined to the field when
 * it reads on from it ("must be a whole number"), else prefixed with it.
 */
function naming(field: string, message: string): string {
  const leaf = field.split('.').at(-1) ?? field;
  if (message.includes(leaf)) return message;
  return /^(must|is|has) /.test(message) ? `${field} ${message}` : `${field}: ${message}`;
}

/** zod's names for the types it expects, as a sentence says them. */
const TYPE_WORDS: Record<string, string> = {
  int: 'a whole number',
  number: 'a number',
  string: 'text',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
  bigint: 'a whole number',
  date: 'a date',
  null: 'null',
};

function typeWords(expected: string): string {
  return TYPE_WORDS[expected] ?? `of type ${expected}`;
}

function sentence(issue: Issue, field: string, value: unknown): string {
  const aboutValue = ['invalid_type', 'invalid_value', 'invalid_union'].includes(issue.code);
  if (value === undefined && aboutValue) return `${field} is required`;
  switch (issue.code) {
    case 'invalid_type':
      return `${field} must be ${typeWords(issue.expected)}, got ${describe(value)}`;
    case 'invalid_value':
      return `${field} has an unknown value ${describe(value)}; expected one of ${issue.values
        .map((v) => String(v))
        .join(', ')}`;
    case 'too_big': {
      const max = String(issue.maximum);
      if (issue.origin === 'string' && typeof value === 'string') {
        return `${field} is too long: ${value.length} characters, at most ${max}`;
      }
      if (issue.origin === 'array' && Array.isArray(value)) {
        return `${field} has too many items: ${value.length}, at most ${max}`;
      }
      return `${field} must be ${issue.inclusive === false ? 'less than' : 'at most'} ${max}`;
    }
    case 'too_small': {
      const min = String(issue.minimum);
      if (issue.origin === 'string') {
        return min === '1'
          ? `${field} must not be empty`
          : `${field} must be at least ${min} characters long`;
      }
      if (issue.origin === 'array') {
        return `${field} needs at least ${min} ${min === '1' ? 'item' : 'items'}`;
      }
      return `${field} must be ${issue.inclusive === false ? 'more than' : 'at least'} ${min}`;
    }
    case 'invalid_format':
      if (hasOwnMessage(issue)) return naming(field, issue.message);
      if (issue.format === 'regex') return `${field} must match ${issue.pattern}`;
      return `${field} must be a valid ${issue.format}`;
    case 'unrecognized_keys':
      return `${field} is not a known field`;
    case 'invalid_union':
      if (hasOwnMessage(issue)) return naming(field, issue.message);
      return `${field} has an unknown value ${describe(value)}`;
    case 'not_multiple_of':
      return `${field} must be a multiple of ${String(issue.divisor)}`;
    default:
      return hasOwnMessage(issue) ? naming(field, issue.message) : `${field} is invalid`;
  }
}

/**
 * Turns the first zod issue into a 400 that names the offending field by its dotted
 * path (`mutations.0.args.territory`), so an agent or a log reader sees at once what
 * to fix. `root` names the whole value when the issue has no path (the body itself).
 */
export function invalidRequest(error: z.ZodError, input: unknown, root = 'body'): HttpError {
  const issue = error.issues[0];
  if (!issue) return new HttpError(400, 'invalid_request', `${root} is invalid`, root);
  const path = [...issue.path];
  if (issue.code === 'unrecognized_keys' && issue.keys[0] !== undefined) path.push(issue.keys[0]);
  const field = path.length > 0 ? path.map(String).join('.') : root;
  return new HttpError(400, 'invalid_request', sentence(issue, field, valueAt(input, path)), field);
}

/** Parses `input` with `schema` or throws the 400 of invalidRequest. */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  input: unknown,
  root?: string,
): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw invalidRequest(result.error, input, root);
  return result.data;
}
