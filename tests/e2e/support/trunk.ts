import { pbxConfig } from './pbx.js';
import { startSipp, waitUdpBound, type SippProcess } from './sipp.js';

/**
 * The outside world behind the PBX's trunk for more than one call: tests/sipp/uas-far.xml
 * on PBX_TRUNK's port, taking `calls` calls one after the other (a consult and then the
 * transferred citizen's INVITE with Replaces, RFC 3891, which SIPp answers as a new call).
 * startFarEnd() in sipp.ts is the one-call case.
 */
export async function startTrunkFarEnd(opts: {
  mediaPort: number;
  calls: number;
  timeoutMs?: number;
}): Promise<SippProcess> {
  const port = pbxConfig().trunkPort;
  const far = await startSipp({
    scenario: 'uas-far.xml',
    localPort: port,
    mediaPort: opts.mediaPort,
    calls: opts.calls,
    sets: { ring_ms: 0, early_media: 0 },
    timeoutMs: opts.timeoutMs ?? 120_000,
  });
  await waitUdpBound(far, '127.0.0.1', port, 10_000);
  return far;
}
