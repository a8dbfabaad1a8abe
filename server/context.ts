import type { Acd } from './acd/acd.js';
import type { Clock } from './clock.js';
import type { SeatEvents } from './events/seat-events.js';
import type { KbSearch } from './kb/kb-search.js';
import type { HandoverBook } from './handovers/handover-book.js';
import type { Logger } from './logger.js';
import type { HubStore } from './store/repository.js';

/** Where seats' softphones register; handed out at login. */
export interface SipSettings {
  wsUrl: string;
  domain: string;
}

/** Everything the HTTP routes use, built once by main (or a test) and passed down. */
export interface HubContext {
  store: HubStore;
  acd: Acd;
  kb: KbSearch;
  events: SeatEvents;
  clock: Clock;
  log: Logger;
  sip: SipSettings;
  /**
   * The handovers agents pass on with calls; the ACD's offers read them too, so the hub
   * makes one (hub.ts). Without it the handover routes keep their own (tests, tools).
   */
  handovers?: HandoverBook;
  /** Largest request body accepted (bytes); larger ones get 413. */
  bodyLimit: number;
}
