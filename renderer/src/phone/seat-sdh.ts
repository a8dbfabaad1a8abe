import {
  Web,
  type Core,
  type Session,
  type SessionDescriptionHandlerFactory,
  type SessionDescriptionHandlerModifier,
} from 'sip.js';
import {
  answerDirection,
  offerDirection,
  offeredAudioDirection,
  remoteHolds,
} from './sdp-direction';

/** What the handler tells the phone after the far end's SDP is applied. */
export type RemoteSdpListener = (session: Session, sdp: string, heldByRemote: boolean) => void;

/**
 * sip.js's WebRTC session description handler with the seat's direction rules
 * (sdp-direction.ts): an offer says sendonly while we hold and sendrecv otherwise, so an
 * SDP-less re-INVITE after a remote hold gets sendrecv (CASES F05); an answer follows
 * RFC 3264 §6.1 on the offer's audio section. Each remote SDP is reported, so the phone
 * knows when the far end holds the call.
 */
export class SeatSessionDescriptionHandler extends Web.SessionDescriptionHandler {
  constructor(
    logger: Core.Logger,
    mediaStreamFactory: Web.MediaStreamFactory,
    configuration: Web.SessionDescriptionHandlerConfiguration | undefined,
    private readonly onRemoteSdp: (sdp: string, heldByRemote: boolean) => void,
  ) {
    super(logger, mediaStreamFactory, configuration);
  }

  override async setDescription(
    sdp: string,
    options?: Web.SessionDescriptionHandlerOptions,
    modifiers?: SessionDescriptionHandlerModifier[],
  ): Promise<void> {
    const kind = this._peerConnection?.signalingState === 'have-local-offer' ? 'answer' : 'offer';
    await super.setDescription(sdp, options, modifiers);
    this.onRemoteSdp(sdp, remoteHolds(sdp, kind, options?.hold === true));
  }

  /**
   * Undoes our offer after a non-2xx answer to a re-INVITE (a hold refused with 491 or
   * 488), which sip.js asks for but its handler lacks: without it the peer connection
   * stays in have-local-offer and every later hold or resume fails.
   */
  rollbackDescription(): Promise<void> {
    const pc = this._peerConnection;
    if (!pc || pc.signalingState !== 'have-local-offer') return Promise.resolve();
    return pc.setLocalDescription({ type: 'rollback' });
  }

  protected override updateDirection(options?: Web.SessionDescriptionHandlerOptions) {
    const pc = this._peerConnection;
    if (!pc) return Promise.reject(new Error('Peer connection closed.'));
    const hold = options?.hold === true;

    let direction: RTCRtpTransceiverDirection;
    if (pc.signalingState === 'stable') direction = offerDirection(hold);
    else if (pc.signalingState === 'have-remote-offer') {
      const offered = offeredAudioDirection(pc.remoteDescription?.sdp ?? '');
      direction = answerDirection(offered, hold);
    } else {
      return Promise.reject(new Error(`Invalid signaling state ${pc.signalingState}`));
    }

    for (const transceiver of pc.getTransceivers()) {
      if (transceiver.direction === 'stopped' || transceiver.direction === direction) continue;
      transceiver.direction = direction;
    }
    return Promise.resolve();
  }
}

export interface SeatSdhFactoryOptions {
  mediaStreamFactory: Web.MediaStreamFactory;
  onRemoteSdp: RemoteSdpListener;
}

/** The UserAgent's `sessionDescriptionHandlerFactory` for seat calls. */
export function seatSdhFactory(hooks: SeatSdhFactoryOptions): SessionDescriptionHandlerFactory {
  return (session, factoryOptions?: Web.SessionDescriptionHandlerFactoryOptions) => {
    const configuration: Web.SessionDescriptionHandlerConfiguration = {
      iceGatheringTimeout: factoryOptions?.iceGatheringTimeout ?? 5000,
      peerConnectionConfiguration: {
        ...Web.defaultPeerConnectionConfiguration(),
        ...factoryOptions?.peerConnectionConfiguration,
      },
    };
    const logger = session.userAgent.getLogger('sip.SessionDescriptionHandler');
    return new SeatSessionDescriptionHandler(
      logger,
      hooks.mediaStreamFactory,
      configuration,
      (sdp, held) => hooks.onRemoteSdp(session, sdp, held),
    );
  };
}
