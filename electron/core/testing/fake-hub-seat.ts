import { afterEach } from 'vitest';
import { startFakeHub, type FakeHub } from '../../../tests/fakes/hub-sync.js';
import type { FetchLike } from '../hub/hub-client.js';
import { startSeatKit, type SeatKit } from './seat-kit.js';

/** Test-only: a JSON answer as the hub gives it. */
export function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

/** Test-only: the hub's error body, `{ error: { code, message } }`. */
export function hubError(status: number, code: string, message: string): Response {
  return jsonResponse(status, { error: { code, message } });
}

/**
 * Test-only, for a test file: `open()` starts the fake hub and a signed-in seat core on it
 * whose requests go through `fetch` (a stub answering the routes the fake hub lacks), and
 * both are closed after each test.
 */
export function seatOnFakeHub(): { open(fetch?: FetchLike): Promise<SeatKit> } {
  let hub: FakeHub | null = null;
  let seat: SeatKit | null = null;
  afterEach(async () => {
    await seat?.close();
    await hub?.close();
    seat = hub = null;
  });
  return {
    async open(fetch) {
      hub = await startFakeHub();
      seat = startSeatKit({ hubUrl: hub.url, ...(fetch ? { fetch } : {}) });
      await seat.login();
      return seat;
    },
  };
}
