import {
  SIPExtension,
  UserAgent,
  Web,
  type Core,
  type Invitation,
  type LogLevel as SipLogLevel,
  type Session,
  type Transport,
  type URI,
} from 'sip.js';
import type { SipConfig } from '../../../shared/hub-api';
import { createLogger } from '../lib/log';
import { seatInstanceId, type PhoneStorage } from './device-prefs';
import { sipIdentity } from './invite-info';
import { seatSdhFactory } from './seat-sdh';

const sipLog = createLogger('seat.sip.stack');

/** CRLF ping every ~15 s (sip.js spreads it over 80-100 %): keeps NAT and proxy state. */
const KEEP_ALIVE_S = 15;

/** The SIP transport class; the seat's WebSocket one unless a test brings a fake wire. */
export type TransportClass = new (logger: Core.Logger, options: Web.TransportOptions) => Transport;

/** What the seat's UserAgent reports to the phone. */
export interface SeatUserAgentEvents {
  onConnect(): void;
  onDisconnect(error?: Error): void;
  onInvite(invitation: Invitation): void;
  /** A remote SDP was applied on `session`; `held`: it holds the seat (sendonly/inactive). */
  onRemoteSdp(session: Session, held: boolean): void;
}

/**
 * The seat's one sip.js UserAgent for `uri`: the same Contact on every start of this
 * seat's phone page (an instance id from `storage`, RFC 5626 +sip.instance; a user and a
 * `.invalid` Via host made from it), Replaces supported, only warn and error logged, no
 * STUN server (seats and PBX share a LAN) and a short ICE gathering.
 */
export function seatUserAgent(
  config: SipConfig,
  uri: URI,
  options: { transport: TransportClass; storage: PhoneStorage | undefined },
  events: SeatUserAgentEvents,
): UserAgent {
  const instanceId = seatInstanceId(options.storage);
  const token = instanceId.replace(/-/g, '');
  return new UserAgent({
    uri,
    displayName: config.displayName,
    authorizationUsername: sipIdentity(config).authUser,
    authorizationPassword: config.password,
    transportConstructor: options.transport,
    transportOptions: { server: config.wsUrl, traceSip: false, keepAliveInterval: KEEP_ALIVE_S },
    instanceId,
    instanceIdAlwaysAdded: true,
    contactName: `s${token.slice(0, 12)}`,
    viaHost: `${token.slice(12, 24)}.invalid`,
    userAgentString: 'HotlineDesk/0.2 (sip.js 0.21)',
    // An INVITE with Replaces (RFC 3891) takes over a live call: a consult call of this
    // seat becomes the citizen's call when the agent completes an attended transfer.
    sipExtensionReplaces: SIPExtension.Supported,
    logBuiltinEnabled: false,
    logLevel: 'warn',
    // sip.js hands every level to the connector whatever logLevel says: keep warn and error.
    logConnector: (level: SipLogLevel, category: string, _label, content: string) => {
      if (level === 'error') sipLog.error(`${category}: ${content}`);
      else if (level === 'warn') sipLog.warn(`${category}: ${content}`);
    },
    sessionDescriptionHandlerFactory: seatSdhFactory({
      mediaStreamFactory: Web.defaultMediaStreamFactory(),
      onRemoteSdp: (session, _sdp, held) => events.onRemoteSdp(session, held),
    }),
    sessionDescriptionHandlerFactoryOptions: {
      // Loopback and LAN only: no STUN server to wait for.
      peerConnectionConfiguration: { iceServers: [] },
      iceGatheringTimeout: 500,
    },
    delegate: {
      onConnect: () => events.onConnect(),
      onDisconnect: (error?: Error) => events.onDisconnect(error),
      onInvite: (invitation: Invitation) => events.onInvite(invitation),
    },
  });
}
