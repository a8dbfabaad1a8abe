import { z } from 'zod';

/**
 * A whole number in a query string (`?limit=20`): plain decimal digits only, from `min`
 * to `max`, `fallback` when left out. z.coerce took "1e1", "0x10" and " 5" through
 * Number(), and read an empty `limit=` as 0. A number is taken as well, so a value the
 * hub's input hook already parsed parses again unchanged.
 */
export function queryInt(min: number, max: number, fallback: number) {
  return z
    .union(
      [
        z
          .string()
          .regex(/^\d{1,9}$/)
          .transform(Number),
        z.int().min(min).max(max),
      ],
      {
        error: 'must be a whole number, in digits 0-9',
      },
    )
    .pipe(z.int().min(min).max(max))
    .default(fallback)
    .meta({ description: `a whole number from ${min} to ${max}; ${fallback} when left out` });
}
