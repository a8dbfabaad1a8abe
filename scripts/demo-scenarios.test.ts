/**
 * The demo's SIPp scenarios against each other on loopback, without a PBX: the demo
 * citizen (tests/sipp/caller.xml) takes an INFO and declines a REFER and keeps its call,
 * and the demo trunk (tests/sipp/uas-demo-trunk.xml) ends a call cancelled while it rings
 * with 487 at once. Needs SIPp (scripts/setup installs sip-tester); skipped without it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSipp, waitUdpBound, type SippProcess } from '../tests/e2e/support/sipp.js';

const hasSipp = spawnSync('sipp', ['-v'], { stdio: 'ignore' }).error === undefined;

// Out of the ranges of the e2e tests (5060-5199, 16000-16999), the demo (5070-5075,
// 5099, 16000-16030, 26000) and rtpengine (30000-39999).
const CALLER_PORT = 5391;
const SEAT_PORT = 5392;
const TRUNK_PORT = 5393;
const CANCELLER_PORT = 5394;

const dirs: string[] = [];
const running: SippProcess[] = [];

async function workDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'demo-sipp-'));
  dirs.push(dir);
  return dir;
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.stop()));
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

describe.skipIf(!hasSipp)('the demo SIPp scenarios', () => {
  it('the demo citizen answers INFO with 200, declines REFER with 603 and keeps the call', async () => {
    const seat = await startSipp({
      scenario: 'seat-info-refer.xml',
      localPort: SEAT_PORT,
      mediaPort: 27200,
      keys: { target: `sip:13800138000@127.0.0.1:${CALLER_PORT}` },
      timeoutMs: 15_000,
      workDir: await workDir(),
    });
    running.push(seat);
    await waitUdpBound(seat, '127.0.0.1', SEAT_PORT, 5000);
    const caller = await startSipp({
      scenario: 'caller.xml',
      remote: `127.0.0.1:${SEAT_PORT}`,
      localPort: CALLER_PORT,
      mediaPort: 27100,
      rtpEcho: true,
      service: '12345',
      keys: { caller: '13800138000' },
      sets: { hold_ms: 2500 },
      extraArgs: ['-default_behaviors', 'all,-bye'],
      timeoutMs: 15_000,
      workDir: await workDir(),
    });
    running.push(caller);

    const [c, s] = await Promise.all([caller.done, seat.done]);
    expect(c.errors, 'the caller took every message').not.toMatch(/Aborting/);
    expect(c.exitCode, c.errors).toBe(0);
    expect(s.exitCode, s.errors).toBe(0);
    expect(c.logs).toMatch(/^info call-id=\S+ Signal=5$/m);
    expect(c.logs).toMatch(/^refer refused call-id=\S+ refer-to=/m);
    // The call went on to the caller's own hang-up, not the seat's.
    expect(c.logs).toMatch(/^caller hangs up call-id=/m);
  });

  it('the demo trunk answers a CANCEL while it rings with 200 and the INVITE with 487 at once', async () => {
    const trunk = await startSipp({
      scenario: 'uas-demo-trunk.xml',
      localPort: TRUNK_PORT,
      mediaPort: 27300,
      calls: 10,
      timeoutMs: 15_000,
      workDir: await workDir(),
    });
    running.push(trunk);
    await waitUdpBound(trunk, '127.0.0.1', TRUNK_PORT, 5000);
    const started = Date.now();
    const canceller = await startSipp({
      scenario: 'caller-cancel.xml',
      remote: `127.0.0.1:${TRUNK_PORT}`,
      localPort: CANCELLER_PORT,
      mediaPort: 27400,
      service: '13800138000',
      keys: { caller: '1001' },
      sets: { cancel_ms: 300 },
      extraArgs: ['-default_behaviors', 'all,-bye'],
      timeoutMs: 10_000,
      workDir: await workDir(),
    });
    const result = await canceller.done;
    expect(result.exitCode, result.errors).toBe(0);
    expect(result.logs).toMatch(/^final=487 /m);
    expect(Date.now() - started).toBeLessThan(3000);
    const t = await trunk.stop();
    expect(t.errors).not.toMatch(/Aborting/);
  });
});
