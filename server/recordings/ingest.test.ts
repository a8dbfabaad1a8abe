import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { silentLogger } from '../logger.js';
import { openHubStore, storeTarget } from '../store/open-store.js';
import type { HubStore } from '../store/repository.js';
import { tempDir } from '../testing/fixture.js';
import { testBackends } from '../testing/store-backends.js';
import { CALLER_CHANNEL } from './convert.js';
import { RecordingIngest } from './ingest.js';
import { toneCoverage } from './tone.js';
import { decodeWav } from './wav.js';

const FIXTURES = new URL('./fixtures/', import.meta.url).pathname;
const CALL_ID = 'exp-1796356518267';
const META = 'rtpengine-meta-exp-1796356518267-06c9ff3f16d66cbd.txt';
const PCAP = 'exp-1796356518267-06c9ff3f16d66cbd.pcap';
const DAY = 24 * 60 * 60 * 1000;

/** A recording directory as rtpengine leaves it after the fixture call. */
function spoolWithFixture(dir: string): void {
  mkdirSync(join(dir, 'metadata'), { recursive: true });
  mkdirSync(join(dir, 'pcaps'), { recursive: true });
  copyFileSync(join(FIXTURES, 'rtpengine-call.meta.txt'), join(dir, 'metadata', META));
  copyFileSync(join(FIXTURES, 'rtpengine-call.pcap'), join(dir, 'pcaps', PCAP));
}

describe.each(testBackends())('recording ingest on $name', (backend) => {
  let store: HubStore;
  const tmp = tempDir();
  let n = 0;

  beforeEach(async () => {
    store = await openHubStore(storeTarget(await backend.scratch()));
    return () => store.close();
  });
  afterAll(async () => {
    await backend.cleanup();
    tmp.cleanup();
  });

  const ingest = (clock: ManualClock, dir: string) =>
    new RecordingIngest(
      { recordings: store.recordings, clock, log: silentLogger() },
      {
        dir,
        retentionDays: 180,
      },
    );

  it('turns a finished capture into a WAV with the caller’s audio and a row, then cleans up', async () => {
    const dir = join(tmp.dir, `spool-${++n}`);
    spoolWithFixture(dir);
    const clock = new ManualClock(Date.parse('2026-12-04T04:00:00Z'));
    const report = await ingest(clock, dir).scanOnce();
    expect(report.failed).toEqual([]);
    expect(report.stored).toHaveLength(1);
    const row = await store.recordings.get(CALL_ID);
    expect(row).toEqual(report.stored[0]);
    expect(row?.durationMs).toBeGreaterThan(1800);
    expect(row?.expiresAt).toBe((row?.startedAt ?? 0) + 180 * DAY);
    // The first RTP packet of the fixture was captured at 1796356518.3 s.
    expect(Math.abs((row?.startedAt ?? 0) - 1796356518300)).toBeLessThan(200);
    const wav = readFileSync(row?.path ?? '');
    expect(wav.length).toBe(row?.bytes);
    const audio = decodeWav(wav);
    expect(toneCoverage(audio.channels[CALLER_CHANNEL]!, 8000, 440)).toBeGreaterThan(0.9);
    expect(readdirSync(join(dir, 'metadata'))).toEqual([]);
    expect(readdirSync(join(dir, 'pcaps'))).toEqual([]);
    // Nothing left to do on the next scan.
    expect((await ingest(clock, dir).scanOnce()).stored).toEqual([]);
  });

  it('deletes file and row once the retention is over, not before', async () => {
    const dir = join(tmp.dir, `spool-${++n}`);
    spoolWithFixture(dir);
    const clock = new ManualClock(Date.parse('2026-12-04T04:00:00Z'));
    const worker = ingest(clock, dir);
    const [row] = (await worker.scanOnce()).stored;
    if (!row) throw new Error('nothing stored');
    clock.advance(row.expiresAt - clock.now() - 1);
    expect(await worker.sweepOnce()).toEqual([]);
    expect(existsSync(row.path)).toBe(true);
    clock.advance(1);
    expect(await worker.sweepOnce()).toEqual([CALL_ID]);
    expect(existsSync(row.path)).toBe(false);
    expect(await store.recordings.get(CALL_ID)).toBeNull();
  });

  it('drops a capture without audio and sets aside one it cannot read', async () => {
    const dir = join(tmp.dir, `spool-${++n}`);
    spoolWithFixture(dir);
    // An unanswered call: a pcap with the header only.
    const header = readFileSync(join(FIXTURES, 'rtpengine-call.pcap')).subarray(0, 24);
    writeFileSync(join(dir, 'pcaps', PCAP), header);
    const broken = 'rtpengine-meta-broken-call-0123456789abcdef.txt';
    writeFileSync(join(dir, 'metadata', broken), '/nowhere/broken-call-0123456789abcdef.pcap\n');
    const report = await ingest(new ManualClock(0), dir).scanOnce();
    expect(report.stored).toEqual([]);
    expect(report.empty).toEqual([CALL_ID]);
    expect(report.failed.map((f) => f.file)).toEqual([broken]);
    expect(report.failed[0]?.error).toMatch(/ENOENT/);
    expect(readdirSync(join(dir, 'failed'))).toEqual([broken]);
    expect(await store.recordings.get(CALL_ID)).toBeNull();
  });

  it('keeps the longer recording when a re-queued call was captured twice', async () => {
    const t = Date.parse('2026-12-04T04:00:00Z');
    const base = { startedAt: t, bytes: 10, expiresAt: t + DAY };
    const dir = join(tmp.dir, `spool-${++n}`);
    mkdirSync(dir, { recursive: true });
    const longPath = join(dir, 'long.wav');
    writeFileSync(longPath, 'x');
    await store.recordings.put({ callId: CALL_ID, durationMs: 60_000, path: longPath, ...base });
    spoolWithFixture(dir);
    const report = await ingest(new ManualClock(t), dir).scanOnce();
    // The new capture is dropped: it is not reported as stored.
    expect(report.stored).toEqual([]);
    expect(report.shorter).toEqual([CALL_ID]);
    expect((await store.recordings.get(CALL_ID))?.path).toBe(longPath);
    expect(readdirSync(join(dir, 'wav'))).toEqual([]);
    expect(readdirSync(join(dir, 'pcaps'))).toEqual([]);
  });

  it('replaces a shorter recording of the same call with the new capture', async () => {
    const t = Date.parse('2026-12-04T04:00:00Z');
    const dir = join(tmp.dir, `spool-${++n}`);
    mkdirSync(dir, { recursive: true });
    const shortPath = join(dir, 'short.wav');
    writeFileSync(shortPath, 'x');
    await store.recordings.put({
      callId: CALL_ID,
      durationMs: 100,
      path: shortPath,
      startedAt: t,
      bytes: 1,
      expiresAt: t + DAY,
    });
    spoolWithFixture(dir);
    const report = await ingest(new ManualClock(t), dir).scanOnce();
    expect(report.shorter).toEqual([]);
    expect(report.stored.map((r) => r.callId)).toEqual([CALL_ID]);
    expect(await store.recordings.get(CALL_ID)).toEqual(report.stored[0]);
    expect(existsSync(shortPath)).toBe(false);
  });

  it('sets aside the pcap of a failed conversion together with its metadata', async () => {
    const dir = join(tmp.dir, `spool-${++n}`);
    spoolWithFixture(dir);
    // Not a pcap at all: the capture cannot be read.
    writeFileSync(join(dir, 'pcaps', PCAP), 'not a capture');
    const report = await ingest(new ManualClock(0), dir).scanOnce();
    expect(report.failed.map((f) => f.file)).toEqual([META]);
    expect(readdirSync(join(dir, 'failed')).sort()).toEqual([PCAP, META].sort());
    expect(readdirSync(join(dir, 'metadata'))).toEqual([]);
    expect(readdirSync(join(dir, 'pcaps'))).toEqual([]);
    expect(await store.recordings.get(CALL_ID)).toBeNull();
  });

  it('scans a directory that does not exist yet without failing', async () => {
    const report = await ingest(new ManualClock(0), join(tmp.dir, 'not-there')).scanOnce();
    expect(report).toEqual({ stored: [], empty: [], shorter: [], failed: [] });
  });
});
