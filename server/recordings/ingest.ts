import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { RecordingRecord, RecordingRepository } from '../store/repository.js';
import { convertCall } from './convert.js';
import { callIdOfMetadataFile, parseMetadata, type RecordingMetadata } from './metadata.js';
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
  /**
   * Calls whose new capture was no longer than the recording already kept (a re-queued
   * call captured twice): the new one was dropped, the stored one stays.
   */
  shorter: string[];
  failed: { file: string; error: string }[];
}

/** A finished recording found in `metadata/`: its call, its metadata and its pcap. */
interface Located {
  callId: string;
  meta: RecordingMetadata;
  pcap: string;
}

/**
 * Picks up the calls rtpengine recorded and keeps them as WAV files, and deletes them when
 * their retention is over.
 *
 * rtpengine (recording-method = pcap) writes a call's packets to `pcaps/<call>.pcap` and,
 * once the call is gone, moves its metadata file into `metadata/`. Each scan converts every
 * metadata file there: the pcap becomes `wav/<call>.wav` (caller left, seat right), a row
 * goes into the store, and the pcap and metadata are deleted. A recording that fails has
 * its metadata and its pcap moved to `failed/` with the reason logged, so it is neither
 * retried forever nor left to fill `pcaps/`. The Debian
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
    const report: ScanReport = { stored: [], empty: [], shorter: [], failed: [] };
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
      let pcap: string | null = null;
      try {
        const found = await this.locate(file, name);
        pcap = found.pcap;
        const outcome = await this.ingest(file, found);
        if (outcome.kind === 'stored') report.stored.push(outcome.record);
        else report[outcome.kind].push(outcome.callId);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        report.failed.push({ file: name, error: message });
        this.log.error(`Recording ${name} could not be converted and is set aside: ${message}`);
        await this.setAside(file, pcap);
      }
    }
    return report;
  }

  /** Moves a failed recording's metadata and pcap (when it has one) into `failed/`. */
  private async setAside(file: string, pcap: string | null): Promise<void> {
    const failed = join(this.options.dir, 'failed');
    await mkdir(failed, { recursive: true });
    // A file already gone (the pcap rtpengine never wrote) has nothing to move.
    await rename(file, join(failed, basename(file))).catch(() => undefined);
    if (pcap) await rename(pcap, join(failed, basename(pcap))).catch(() => undefined);
  }

  /** The call id and pcap a metadata file names. */
  private async locate(file: string, name: string): Promise<Located> {
    const callId = callIdOfMetadataFile(name);
    if (!callId) throw new Error(`${name} is not named rtpengine-meta-<call-id>-<hex>.txt`);
    const meta = parseMetadata(await readFile(file, 'utf8'));
    // The pcap is in pcaps/ next to metadata/, whatever path rtpengine's own view had.
    return { callId, meta, pcap: join(this.options.dir, 'pcaps', basename(meta.pcapPath)) };
  }

  private async ingest(
    file: string,
    { callId, meta, pcap }: Located,
  ): Promise<
    { kind: 'stored'; record: RecordingRecord } | { kind: 'empty' | 'shorter'; callId: string }
  > {
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
    const kept = await this.keepLonger(record);
    await rm(pcap, { force: true });
    await rm(file, { force: true });
    if (kept === 'stored-is-longer') {
      this.log.info(
        { callId, durationMs: record.durationMs },
        `Recording of call ${callId} dropped: ${record.durationMs} ms, no longer than the ` +
          'one already stored (a re-queued call captured twice).',
      );
      return { kind: 'shorter', callId };
    }
    const skipped = Object.entries(call.skipped)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    this.log.info(
      { callId, durationMs: record.durationMs, bytes: record.bytes, decoded: call.decoded },
      `Recording of call ${callId} stored: ${record.durationMs} ms, caller ` +
        `${call.decoded.caller} and seat ${call.decoded.seat} packets` +
        (skipped ? `, skipped ${skipped}` : '') +
        (kept === 'replaced' ? ' (replaces a shorter one)' : '') +
        '.',
    );
    return { kind: 'stored', record };
  }

  /**
   * A call re-offered after a failed seat (re-queued) gets a second capture; the longer
   * recording of the two is kept, the other's file deleted. Answers which happened.
   */
  private async keepLonger(
    record: RecordingRecord,
  ): Promise<'new' | 'replaced' | 'stored-is-longer'> {
    const existing = await this.deps.recordings.get(record.callId);
    const other = existing && existing.path !== record.path ? existing : null;
    if (other && other.durationMs >= record.durationMs) {
      await rm(record.path, { force: true });
      return 'stored-is-longer';
    }
    await this.deps.recordings.put(record);
    if (other) await rm(other.path, { force: true });
    return other ? 'replaced' : 'new';
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
