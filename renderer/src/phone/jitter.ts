/**
 * Spreads a retry delay over [delay/2, delay], so 300 seats that lost the PBX at once do
 * not all come back in the same instant ("equal jitter").
 */
export function withJitter(delayMs: number, random: () => number = Math.random): number {
  const half = delayMs / 2;
  return Math.round(half + half * Math.min(1, Math.max(0, random())));
}
