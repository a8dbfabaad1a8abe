import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { pickBridge } from './bridge/pick-bridge';
import { App } from './components/App';
import { createLogger } from './lib/log';
import { PhoneClient } from './phone/phone-channel';
import { onPhonePort } from './phone/phone-port';
import { createDeskStore } from './store/create-store';
import { bindDeskEvents } from './store/desk-events';
import { DeskStoreContext } from './store/use-desk';
import './styles/app.css';

const log = createLogger('seat.ui.phone');

/** How long the Electron desk waits for its port before it says the phone is missing. */
const ENGINE_WAIT_MS = 10_000;

/**
 * Wiring of the desk UI (desk.html): the bridge to the seat core, the phone and the
 * store, each created once. The phone engine lives in another page (the phone host that
 * embeds this one, or Electron's engine window); this desk reaches it through a
 * PhoneClient over the port that page hands over, so a reload here keeps the calls.
 */
const bridge = pickBridge(window);
const phone = new PhoneClient();
onPhonePort(window, (port) => phone.connect(port));

const embedded = window.parent !== window;
if (!embedded && bridge.kind !== 'electron') {
  noPhone('the desk page was opened on its own, without its phone host (open / instead)');
} else {
  setTimeout(() => {
    if (!phone.connected)
      noPhone(`no phone engine handed this desk a port in ${ENGINE_WAIT_MS} ms`);
  }, ENGINE_WAIT_MS);
}

const store = createDeskStore({
  desk: bridge.desk,
  phone,
  storage: window.localStorage,
  now: () => Date.now(),
});

phone.subscribe((event) => store.getState().phoneEvent(event));
bindDeskEvents(bridge.desk, store, bridge.onLink);
void store.getState().boot();

const root = document.getElementById('root');
if (!root) throw new Error('desk.html has no #root');
createRoot(root).render(
  <StrictMode>
    <DeskStoreContext.Provider value={store}>
      <App />
    </DeskStoreContext.Provider>
  </StrictMode>,
);

/** The desk keeps working (orders, KB, sync) without a phone, and says why it has none. */
function noPhone(reason: string): void {
  log.error(`No phone on this desk: ${reason}. Calls cannot be taken here.`);
  phone.detach(`No phone engine: ${reason}.`);
}
