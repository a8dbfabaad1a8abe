import { pickBridge } from '../bridge/pick-bridge';
import { createLogger } from '../lib/log';
import { servePhone } from '../phone/phone-channel';
import { onPhonePort } from '../phone/phone-port';
import { installDebugHooks } from '../phone/debug-stats';
import { PhoneService } from '../phone/phone-service';
import type { PhoneControl } from '../phone/phone-types';
import { CallReporter } from './call-reporter';
import { embedDesk } from './desk-frame';
import { guardLeaving } from './leave-guard';
import { LiveCalls } from './live-calls';
import { PhoneLeaseClient, phoneLeaseUrl } from './phone-lease-client';
import { SeatWindow, seatWindowView } from './seat-window';
import { VideoPanel } from './video-panel';
import './host.css';

declare global {
  interface Window {
    /** The phone engine of this page, for the end-to-end tests (PhoneControl). */
    hotlinePhone?: PhoneControl;
  }
}

const log = createLogger('seat.phone.host');

/**
 * The phone host: the page that owns the phone engine (sip.js, peer connections, audio
 * and video elements) and outlives the desk UI.
 *
 * - Web seat (index.html as the top page): the desk UI runs in the `#desk` frame and gets
 *   a phone port each time it loads, so reloading it keeps the calls.
 * - Electron (index.html?mode=engine, a hidden window): no frame; the main process hands
 *   over a port for each load of the desk window, through the preload.
 *
 * Either way this page reports the calls' events to the seat core itself, with its own
 * desk bridge, so none is lost or doubled while the desk reloads.
 */
const engine = new PhoneService({ storage: window.localStorage });
const bridge = pickBridge(window);
const reporter = new CallReporter(bridge.desk);
const live = new LiveCalls();
const video = new VideoPanel(document, engine);

engine.subscribe((event) => {
  live.onPhoneEvent(event);
  reporter.onPhoneEvent(event);
  video.onPhoneEvent(event);
});
window.hotlinePhone = engine;
guardLeaving(window, engine, live);
installDebugHooks(window, () => engine.peerConnection(live.current()?.callId));

const engineOnly = new URLSearchParams(location.search).get('mode') === 'engine';
document.body.dataset.mode = engineOnly ? 'engine' : 'host';
if (engineOnly) {
  onPhonePort(window, (port) => servePhone(engine, port));
  log.info('Phone engine page started (engine only); waiting for desk ports.');
} else {
  // One window of the seat runs the phone; the desk comes in once the seat host says so.
  let seatWindow: SeatWindow | null = null;
  const lease = new PhoneLeaseClient({
    url: phoneLeaseUrl(location),
    events: {
      onGranted: () => seatWindow?.onGranted(),
      onLost: (reason) => void seatWindow?.onLost(reason),
    },
  });
  const view = seatWindowView(
    document,
    () => embedDesk(document, (port) => servePhone(engine, port)),
    () => seatWindow?.takeOver(),
  );
  seatWindow = new SeatWindow(engine, lease, view);
  lease.start();
  log.info(
    'Phone host page started; the desk comes into its frame once this window has the phone.',
  );
}
