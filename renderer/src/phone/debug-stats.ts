/** Packet counters of the call in hand. */
export interface MediaCounters {
  packetsReceived: number;
  packetsSent: number;
}

/**
 * What the end-to-end tests read to prove media flowed: SIP success alone proves nothing
 * (DESIGN §6), packet counts do.
 */
export interface HotlineDebug {
  getStats(): Promise<MediaCounters>;
}

interface StatsEntry {
  type?: string;
  kind?: string;
  mediaType?: string;
  packetsReceived?: number;
  packetsSent?: number;
}

/** Sums audio RTP packets in a getStats() report (inbound-rtp and outbound-rtp entries). */
export function countAudioPackets(report: { values(): Iterable<unknown> }): MediaCounters {
  const counters: MediaCounters = { packetsReceived: 0, packetsSent: 0 };
  for (const value of report.values()) {
    const entry = value as StatsEntry;
    if ((entry.kind ?? entry.mediaType) !== 'audio') continue;
    if (entry.type === 'inbound-rtp') counters.packetsReceived += entry.packetsReceived ?? 0;
    if (entry.type === 'outbound-rtp') counters.packetsSent += entry.packetsSent ?? 0;
  }
  return counters;
}

/** Installs `window.__hotlineDebug`, reading the peer connection the phone has now. */
export function installDebugHooks(
  win: Window,
  peerConnection: () => RTCPeerConnection | undefined,
): void {
  win.__hotlineDebug = {
    async getStats() {
      const pc = peerConnection();
      if (!pc) return { packetsReceived: 0, packetsSent: 0 };
      return countAudioPackets(await pc.getStats());
    },
  };
}
