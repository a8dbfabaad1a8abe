import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { RecordingRecord, RecordingRepository } from '../store/repository.js';
import { convertCall } from './convert.js';
import { callIdOfMetadataFile, parseMetadata } from './metadata.js';
import { readPcapUdp } from './pcap.js';
import { encodeWav } from './wav.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface RecordingIngestOptions {
  /** rtpengine's recording-dir: `metadata/` and `pcaps/` are read, `wav/` is written. */
  dir: string;
  retentionDays: number;
  /** How often the directory is scanned and expired recordings are swept. */
  scanMs?: number;
  /** At most this many expired recordings are deleted per sweep. */
  sweepBatch?: number;
}

/** What one scan did (for logs and tests). */
export interface ScanReport {
  stored: RecordingRecord[];
  /** Calls whose capture held no audio (never answered): files removed, nothing stored. */
  empty: string[];
  failed: { file: string; error: string }[];
}

/**
 * Picks up the calls rtpengine recorded and keeps them as WAV files, and deletes them when
 * their retention is over.
 *
 * rtpengine (recording-method = pcap) writes a call's packets to `pcaps/<call>.pcap` and,
 * once the call is gone, moves its metadata file into `metadata/`. Each scan converts every
 * metadata file there: the pcap becomes `wav/<call>.wav` (caller left, seat right), a row
 * goes into the store, and the pcap and metadata are deleted. A file that fails is moved to
 * `failed/` with the reason logged, so it is not retried forever. The Debian
 * rtpengine-recording-daemon is not used: it reads the kernel module's /proc interface, and
 * the dev PBX runs rtpengine in userspace (`table = -1`).
 *
 *   metadata/x.txt --scan--> wav/x.wav + row --expires_at passed--> (file, row) deleted
 */
export class RecordingIngest {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> = Promise.resolve();
  private readonly log: Logger;

  constructor(
    private readonly deps: { recordings: RecordingRepository; clock: Clock; log: Logger },
    private readonly options: RecordingIngestOptions,
  ) {
    this.log = deps.log.child({ name: 'hub.recordings' });
  }

  get audioDir(): string {
    return join(this.options.dir, 'wav');
  }

  /** Scans and sweeps now and then every scanMs (default 5 s) until stop(). */
  start(): void {
    if (this.timer) return;
    const tick = (): void => {
      this.running = this.running
        .then(() => this.scanOnce())
        .then(() => this.sweepOnce())
        .catch((error: unknown) => this.log.error({ err: error }, 'Recording scan failed.'));
    };
    tick();
    this.timer = setInterval(tick, this.options.scanMs ?? 5000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Converts every finished recording in `metadata/`. */
  async scanOnce(): Promise<ScanReport> {
    const report: ScanReport = { stored: [], empty: [], failed: [] };
    const metaDir = join(this.options.dir, 'metadata');
    let names: string[];
    try {
      names = (await readdir(metaDir)).filter((n) => n.endsWith('.txt')).sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return report;
      throw error;
    }
    for (const name of names) {
      const file = join(metaDir, name);
      try {
        const outcome = await this.ingest(file, name);
        if (outcome.kind === 'stored') report.stored.push(outcome.record);
        else report.empty.push(outcome.callId);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        report.failed.push({ file: name, error: message });
        this.log.error(`Recording ${name} could not be converted and is set aside: ${message}`);
        await mkdir(join(this.options.dir, 'failed'), { recursive: true });
        await rename(file, join(this.options.dir, 'failed', name)).catch(() => undefined);
      }
    }
    return report;
  }

  private async ingest(
    file: string,
    name: string,
  ): Promise<{ kind: 'stored'; record: RecordingRecord } | { kind: 'empty'; callId: string }> {
    const callId = callIdOfMetadataFile(name);
    if (!callId) throw new Error(`${name} is not named rtpengine-meta-<call-id>-<hex>.txt`);
    const meta = parseMetadata(await readFile(file, 'utf8'));
    // The pcap is in pcaps/ next to metadata/, whatever path rtpengine's own view had.
    const pcap = join(this.options.dir, 'pcaps', basename(meta.pcapPath));
    const packets = readPcapUdp(await readFile(pcap));
    const call = convertCall(meta, packets);
    if (!call) {
      await rm(pcap, { force: true });
      await rm(file, { force: true });
      this.log.info({ callId }, `Call ${callId} has no audio in its capture (not answered).`);
      return { kind: 'empty', callId };
    }
    await mkdir(this.audioDir, { recursive: true });
    const wavName = `${basename(meta.pcapPath, '.pcap').replace(/[^A-Za-z0-9._-]/g, '_')}.wav`;
    const wavPath = join(this.audioDir, wavName);
    const wav = encodeWav(call.audio);
    await writeFile(wavPath, wav);
    const startedAt = Math.round(call.startedUs / 1000);
    const record: RecordingRecord = {
      callId,
      startedAt,
      durationMs: call.durationMs,
      bytes: (await stat(wavPath)).size,
      path: wavPath,
      expiresAt: startedAt + this.options.retentionDays * DAY_MS,
    };
    const previous = await this.keepLonger(record);
    await rm(pcap, { force: true });
    await rm(file, { force: true });
    const skipped = Object.entries(call.skipped)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    this.log.info(
      { callId, durationMs: record.durationMs, bytes: record.bytes, decoded: call.decoded },
      `Recording of call ${callId} stored: ${record.durationMs} ms, caller ` +
        `${call.decoded.caller} and seat ${call.decoded.seat} packets` +
        (skipped ? `, skipped ${skipped}` : '') +
        (previous ? ' (replaces a shorter one)' : '') +
        '.',
    );
    return { kind: 'stored', record };
  }

  /**
   * A call re-offered after a failed seat (re-queued) gets a second capture; the longer
   * recording of the two is kept, the other's file deleted.
   */
  private async keepLonger(record: RecordingRecord): Promise<RecordingRecord | null> {
    const existing = await this.deps.recordings.get(record.callId);
    if (existing && existing.path !== record.path && existing.durationMs >= record.durationMs) {
      await rm(record.path, { force: true });
      return null;
    }
    await this.deps.recordings.put(record);
    if (existing && existing.path !== record.path) await rm(existing.path, { force: true });
    return existing;
  }

  /** Deletes the file and row of every recording whose retention is over. */
  async sweepOnce(): Promise<string[]> {
    const removed: string[] = [];
    const now = this.deps.clock.now();
    const batch = this.options.sweepBatch ?? 500;
    for (;;) {
      const expired = await this.deps.recordings.expired(now, batch);
      for (const recording of expired) {
        await rm(recording.path, { force: true });
        await this.deps.recordings.remove(recording.callId);
        removed.push(recording.callId);
      }
      if (expired.length < batch) break;
    }
    if (removed.length > 0) {
      this.log.info(`Deleted ${removed.length} recording(s) past their retention.`);
    }
    return removed;
  }
}
