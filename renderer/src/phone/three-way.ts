import { SessionState, type Session } from 'sip.js';
import { createLogger, describeError } from '../lib/log';
import { applyTrackStates, handlerOf } from './call-media';
import { ConferenceMix } from './conference-mix';
import type { Line } from './phone-line';
import type { PhoneCall } from './phone-types';

const log = createLogger('seat.sip.call');

/** The three-way call: the mix and its two lines. */
export interface Mix {
  mix: ConferenceMix;
  a: string;
  b: string;
}

/** What the three-way call needs of the phone. */
export interface ThreeWayHost {
  /** The live line of `callId`; throws when there is none. */
  line(callId: string): Line;
  find(callId: string): Line | undefined;
  update(line: Line, change: Partial<PhoneCall>): void;
  /** Takes a held call off hold (both far ends must hear the mix). */
  resume(callId: string): Promise<void>;
  makeAudioContext(): AudioContext;
}

/**
 * The seat's one three-way call: a WebAudio mix in the engine page (conference-mix.ts),
 * so each far end hears the agent and the other far end. Mute takes the agent's
 * microphone out of both mixes; ending the mix gives each line its plain microphone back
 * with its own mute and hold.
 */
export class ThreeWay {
  private mix: Mix | null = null;

  constructor(private readonly host: ThreeWayHost) {}

  /** The mix `callId` is in, or null. */
  of(callId: string): Mix | null {
    const mix = this.mix;
    return mix && (mix.a === callId || mix.b === callId) ? mix : null;
  }

  /** The other line of the mix `callId` is in, or null. */
  partnerOf(callId: string): string | null {
    const mix = this.of(callId);
    if (!mix) return null;
    return mix.a === callId ? mix.b : mix.a;
  }

  /** Mixes the answered calls `idA` and `idB`, taking either off hold first. */
  async start(idA: string, idB: string): Promise<void> {
    if (idA === idB) throw new Error(`Call ${idA} cannot be mixed with itself`);
    if (this.mix) throw new Error(`Calls ${this.mix.a} and ${this.mix.b} are mixed already`);
    const a = this.host.line(idA);
    const b = this.host.line(idB);
    for (const line of [a, b]) {
      if (line.session.state !== SessionState.Established) {
        throw new Error(`Call ${line.call.callId} is not answered; only answered calls mix`);
      }
    }
    for (const line of [a, b]) if (line.call.held) await this.host.resume(line.call.callId);

    const senderA = audioSender(a.session);
    const senderB = audioSender(b.session);
    const remoteA = handlerOf(a.session)?.remoteMediaStream;
    const remoteB = handlerOf(b.session)?.remoteMediaStream;
    const mic = senderA?.track;
    if (!senderA || !senderB || !mic || !remoteA || !remoteB) {
      throw new Error(`Calls ${idA} and ${idB} have no audio to mix yet`);
    }
    const muted = a.call.muted || b.call.muted;
    let mix: ConferenceMix;
    try {
      mix = await ConferenceMix.start(
        this.host.makeAudioContext(),
        mic,
        { sender: senderA, remote: remoteA },
        { sender: senderB, remote: remoteB },
        muted,
      );
    } catch (error) {
      // The mix put the lines' own tracks back; each line hears the seat as before.
      for (const line of [a, b]) applyTrackStates(line.session, line.call);
      log.warn(`Calls ${idA} and ${idB} could not be mixed: ${describeError(error)}.`);
      throw new Error(`Cannot start the three-way call: ${describeError(error)}`);
    }
    this.mix = { mix, a: idA, b: idB };
    log.info(`Calls ${idA} and ${idB} are a three-way call now.`);
    this.host.update(a, { conferencedWith: idB, muted });
    this.host.update(b, { conferencedWith: idA, muted });
  }

  /** The agent's microphone leaves (or joins) both mixes; the far ends still hear each other. */
  setMuted(mix: Mix, muted: boolean): void {
    mix.mix.setMuted(muted);
    log.info(`Three-way call ${mix.a} + ${mix.b} is ${muted ? 'muted' : 'unmuted'}.`);
    for (const id of [mix.a, mix.b]) {
      const member = this.host.find(id);
      if (member) this.host.update(member, { muted });
    }
  }

  /** Ends the mix: plain microphone tracks again, with each line's own mute and hold. */
  async end(): Promise<void> {
    const mix = this.mix;
    if (!mix) return;
    this.mix = null;
    await mix.mix.stop();
    log.info(`Calls ${mix.a} and ${mix.b} are two-way calls again.`);
    for (const id of [mix.a, mix.b]) {
      const line = this.host.find(id);
      if (!line) continue;
      applyTrackStates(line.session, line.call);
      this.host.update(line, { conferencedWith: null });
    }
  }
}

/** A session's audio sender (the one with a microphone track, else the first audio one). */
function audioSender(session: Session): RTCRtpSender | undefined {
  const senders = handlerOf(session)?.peerConnection?.getSenders() ?? [];
  return senders.find((sender) => sender.track?.kind === 'audio');
}
