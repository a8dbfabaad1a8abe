/** Where a long seed stands, for the progress line. */
export interface SeedProgress {
  orders: number;
  totalOrders: number;
  /** Orders and calls written so far. */
  rows: number;
  elapsedMs: number;
}

function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** "1.20M of 6.00M orders (20.0%), 2.57M rows, 98,400 rows/s, ETA 4:02". */
export function progressLine(p: SeedProgress): string {
  const millions = (n: number): string => `${(n / 1e6).toFixed(2)}M`;
  const seconds = p.elapsedMs / 1000;
  const rate = seconds > 0 ? p.rows / seconds : 0;
  const done = p.totalOrders > 0 ? p.orders / p.totalOrders : 1;
  const eta = done > 0 ? (seconds / done) * (1 - done) : Number.NaN;
  return (
    `${millions(p.orders)} of ${millions(p.totalOrders)} orders (${(done * 100).toFixed(1)}%), ` +
    `${millions(p.rows)} rows, ${Math.round(rate).toLocaleString('en-US')} rows/s, ` +
    `ETA ${Number.isFinite(eta) ? clock(eta) : '?'}`
  );
}

/**
 * Prints the progress line to a stream at most once per `everyMs`: rewritten in place
 * on a terminal, one line each time otherwise (CI logs).
 */
export function progressPrinter(
  stream: NodeJS.WriteStream = process.stderr,
  everyMs = 1000,
): { update(p: SeedProgress): void; done(p: SeedProgress): void } {
  let last = -Infinity;
  let printed: SeedProgress | null = null;
  const write = (p: SeedProgress, final: boolean): void => {
    printed = p;
    const line = `seed: ${progressLine(p)}`;
    if (stream.isTTY) stream.write(`\r${line}\x1b[K${final ? '\n' : ''}`);
    else stream.write(line + '\n');
  };
  return {
    update(p) {
      if (p.elapsedMs - last < everyMs) return;
      last = p.elapsedMs;
      write(p, false);
    },
    done(p) {
      if (printed !== p || stream.isTTY) write(p, true);
    },
  };
}
