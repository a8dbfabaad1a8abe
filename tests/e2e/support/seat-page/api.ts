/**
 * What the test seat page (seat-page.ts, bundled by browser-seat.ts) exposes on
 * `window.hdSeat` for playwright to read. Test scaffolding only: the product's phone lives
 * in renderer/.
 */
export interface SeatInvite {
  callId: string;
  from: string;
  /** Lower-cased header names of the INVITE that matter to the pop (and Replaces). */
  headers: Record<string, string>;
  at: number;
}

export interface SeatMediaStats {
  packetsReceived: number;
  packetsSent: number;
  bytesReceived: number;
  /** ICE candidate pair state of the selected pair, if any. */
  candidatePair?: string;
}

export interface SeatPageApi {
  registered: boolean;
  registrationState: string;
  sessionState: string;
  invites: SeatInvite[];
  errors: string[];
  stats(): Promise<SeatMediaStats>;
  /** The current call's local and remote SDP (for diagnosing a call without media). */
  descriptions(): { local?: string; remote?: string };
  /** Calls sip:<target>@<domain> (e.g. another extension); resolves when the INVITE is sent. */
  call(target: string): Promise<void>;
  /** Like call(), with the (fake) camera as well: a citizen's video call. */
  callWithVideo(target: string): Promise<void>;
  /** The current call's peer connection, for in-page probes (support/video-probe). */
  peerConnection(): RTCPeerConnection | undefined;
  hangup(): Promise<void>;
  /** The final status of each BYE hangup() sent (200, or 500 when the PBX lost the far end). */
  byeAnswers: number[];
  /** In-dialog re-INVITEs the current call got (a hold, or a target refresh of the far end). */
  reInvites: number;
  /** REFERs this seat followed (it was transferred): Refer-To of each, in order. */
  referrals: string[];
  /**
   * Sends a sine of `freq` Hz instead of the microphone on the current call (WebAudio
   * OscillatorNode into the sender with replaceTrack); 0 puts the microphone back.
   */
  sendTone(freq: number): Promise<void>;
  /** A block of what the far end of the current call sends (an AnalyserNode's samples). */
  remoteSamples(): Promise<{ sampleRate: number; samples: number[] }>;
}

export interface SeatPageConfig {
  wsUrl: string;
  extension: string;
  domain: string;
  /** Delay before answering an INVITE, ms. */
  answerDelayMs: number;
  /** Extra header lines on each 200 OK the seat answers with (e.g. what a desk engine adds). */
  answerHeaders?: string[];
}
