/**
 * The demo's citizens: a SIPp caller dials the hotline every few seconds, mostly from
 * numbers the hub's seed knows (so the pop has history), sometimes from a new number.
 * Each call sends a tone, echoes the seat's audio and hangs up after a while unless the
 * agent hangs up first. An INFO from the seat (DTMF as SIP INFO) gets 200; a REFER (a
 * transfer, or "leave them talking") is declined with 603 at once, so the seat sees the
 * transfer refused and keeps the call (tests/sipp/caller.xml). At most a few calls are up
 * at once. Stops on SIGINT/SIGTERM.
 *
 * Env: HUB_DB (to read seeded numbers), DEMO_CALL_EVERY_S (8), DEMO_MAX_CALLS (3),
 * DEMO_HOLD_S (45), plus the PBX_* settings of scripts/pbx/lib.sh.
 */
import Database from 'better-sqlite3';
import { placeHotlineCall, type SippProcess } from '../tests/e2e/support/sipp.js';
import { maskPhone } from '../shared/domain/phone.js';

const everyMs = Number(process.env.DEMO_CALL_EVERY_S ?? 8) * 1000;
const maxCalls = Number(process.env.DEMO_MAX_CALLS ?? 3);
const holdMs = Number(process.env.DEMO_HOLD_S ?? 45) * 1000;

function seededNumbers(): string[] {
  const path = process.env.HUB_DB;
  if (!path) return ['13800138000'];
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const rows = db
      .prepare("SELECT DISTINCT caller_number AS n FROM orders WHERE caller_number <> ''")
      .all() as Array<{ n: string }>;
    return rows.map((r) => r.n);
  } finally {
    db.close();
  }
}

const known = seededNumbers();
const slots: Array<SippProcess | null> = Array.from({ length: maxCalls }, () => null);
let stopping = false;

function pickNumber(): string {
  if (Math.random() < 0.75 && known.length > 0) {
    return known[Math.floor(Math.random() * known.length)]!;
  }
  return '139' + String(Math.floor(Math.random() * 1e8)).padStart(8, '0');
}

async function placeOne(): Promise<void> {
  const slot = slots.findIndex((s) => s === null);
  if (slot < 0) return;
  const caller = pickNumber();
  const call = await placeHotlineCall({
    caller,
    sipPort: 5070 + slot * 2,
    mediaPort: 16000 + slot * 10,
    holdMs,
    timeoutMs: holdMs + 150_000,
  });
  slots[slot] = call;
  console.log(`demo-caller: ${maskPhone(caller)} calls 12345 (Call-ID ${call.callId(1)})`);
  void call.done.then((result) => {
    slots[slot] = null;
    console.log(`demo-caller: ${call.callId(1)} ended, sipp exit ${result.exitCode}`);
  });
}

const timer = setInterval(() => {
  if (!stopping) placeOne().catch((e: unknown) => console.error('demo-caller:', e));
}, everyMs);
void placeOne();

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    stopping = true;
    clearInterval(timer);
    void Promise.all(slots.map((s) => s?.stop())).then(() => process.exit(0));
  });
}
