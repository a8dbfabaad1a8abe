import type { Acd } from './acd/acd.js';
import type { Clock } from './clock.js';
import type { SeatEvents } from './events/seat-events.js';
import type { KbSearch } from './kb/kb-search.js';
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
  /** Largest request body accepted (bytes); larger ones get 413. */
  bodyLimit: number;
}
