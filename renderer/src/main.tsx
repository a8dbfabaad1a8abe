import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { pickBridge } from './bridge/pick-bridge';
import { App } from './components/App';
import { installDebugHooks } from './phone/debug-stats';
import { PhoneService } from './phone/phone-service';
import { createDeskStore } from './store/create-store';
import { bindDeskEvents } from './store/desk-events';
import { DeskStoreContext } from './store/use-desk';
import './styles/app.css';

/**
 * Wiring: the bridge to the seat core, the phone service and the store, each created
 * once. Live SIP sessions stay in the phone service; the store gets its events.
 */
const bridge = pickBridge(window);
const phone = new PhoneService();
const store = createDeskStore({
  desk: bridge.desk,
  phone,
  storage: window.localStorage,
  now: () => Date.now(),
});

phone.subscribe((event) => store.getState().phoneEvent(event));
bindDeskEvents(bridge.desk, store, bridge.onLink);
installDebugHooks(window, () => phone.peerConnection());
void store.getState().boot();

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <DeskStoreContext.Provider value={store}>
      <App />
    </DeskStoreContext.Provider>
  </StrictMode>,
);
