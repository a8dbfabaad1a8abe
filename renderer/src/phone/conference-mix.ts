/**
 * A three-way call mixed in the engine page with WebAudio, so no conference service is
 * needed on the PBX. Each far end must hear the agent and the other far end, never itself:
 *
 *   mic ──gain (mute)──┬──────────────▶ to A ──▶ line A's sender
 *                      └──────────────▶ to B ──▶ line B's sender
 *   line A's remote ─────────────────▶ to B
 *   line B's remote ─────────────────▶ to A
 *
 * The agent hears both far ends through the lines' own audio elements, which keep
 * playing. The mix goes onto the calls with RTCRtpSender.replaceTrack, so no re-INVITE is
 * needed, and stop() puts each line's own microphone track back.
 */

/** One line of the mix. */
export interface MixLine {
  /** The line's audio sender: what its far end hears. */
  sender: RTCRtpSender;
  /** What the line's far end sends. */
  remote: MediaStream;
}

export class ConferenceMix {
  private stopped = false;

  private constructor(
    private readonly context: AudioContext,
    private readonly micGain: GainNode,
    private readonly restore: Array<{ sender: RTCRtpSender; track: MediaStreamTrack | null }>,
    private readonly nodes: AudioNode[],
  ) {}

  /**
   * Mixes `a` and `b` with the microphone track `mic` (line A's own). The mix owns
   * `context` from here: when it cannot start (a line has no remote audio yet, a
   * replaceTrack fails) it closes the context, puts back each line's own track where it
   * was already replaced and leaves the microphone as it was, then throws.
   */
  static async start(
    context: AudioContext,
    mic: MediaStreamTrack,
    a: MixLine,
    b: MixLine,
    muted: boolean,
  ): Promise<ConferenceMix> {
    const restore = [
      { sender: a.sender, track: a.sender.track },
      { sender: b.sender, track: b.sender.track },
    ];
    const nodes: AudioNode[] = [];
    const micWasEnabled = mic.enabled;
    const replaced: Array<(typeof restore)[number]> = [];
    try {
      for (const [name, line] of [['A', a] as const, ['B', b] as const]) {
        if (line.remote.getAudioTracks().length === 0) {
          throw new Error(`Line ${name} of the three-way call has no remote audio yet`);
        }
      }
      const micSource = context.createMediaStreamSource(new MediaStream([mic]));
      const micGain = context.createGain();
      micGain.gain.value = muted ? 0 : 1;
      const fromA = context.createMediaStreamSource(a.remote);
      const fromB = context.createMediaStreamSource(b.remote);
      const toA = context.createMediaStreamDestination();
      const toB = context.createMediaStreamDestination();
      nodes.push(micSource, micGain, fromA, fromB, toA, toB);
      micSource.connect(micGain);
      micGain.connect(toA);
      micGain.connect(toB);
      fromB.connect(toA);
      fromA.connect(toB);

      const [trackA] = toA.stream.getAudioTracks();
      const [trackB] = toB.stream.getAudioTracks();
      if (!trackA || !trackB) throw new Error('The mix made no audio track');
      // The microphone feeds the mix; muting is the gain's job while it runs.
      mic.enabled = true;
      for (const [entry, track] of [
        [restore[0]!, trackA],
        [restore[1]!, trackB],
      ] as const) {
        await entry.sender.replaceTrack(track);
        replaced.push(entry);
      }
      // Headless pages start an AudioContext suspended until a gesture; a call is reason enough.
      void context.resume().catch(() => undefined);
      return new ConferenceMix(context, micGain, restore, nodes);
    } catch (error) {
      for (const { sender, track } of replaced) {
        await sender.replaceTrack(track).catch(() => undefined);
      }
      mic.enabled = micWasEnabled;
      for (const node of nodes) node.disconnect();
      void context.close().catch(() => undefined);
      throw error;
    }
  }

  /** The agent's microphone, in both mixes at once. */
  setMuted(muted: boolean): void {
    this.micGain.gain.value = muted ? 0 : 1;
  }

  /** Puts each line's own microphone track back and releases the audio graph. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const { sender, track } of this.restore) {
      await sender.replaceTrack(track).catch(() => undefined);
    }
    for (const node of this.nodes) node.disconnect();
    void this.context.close().catch(() => undefined);
  }
}
