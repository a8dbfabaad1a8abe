import type { DeskBridge } from '../../../shared/desk-api';
import type { LinkState } from '../bridge/ws-bridge';
import type { DeskStore } from './create-store';

/**
 * Routes the seat core's events into the store. The hub's `call.offered` opens the pop
 * before the INVITE arrives, complete with history and KB answers when the core sent them
 * with it, so they are on screen when the phone rings.
 */
export function bindDeskEvents(
  desk: DeskBridge,
  store: DeskStore,
  onLink: (listener: (state: LinkState) => void) => () => void,
): () => void {
  const state = () => store.getState();
  const signedIn = () => state().phase === 'signed-in';
  let wasDown = false;

  const offs = [
    desk.on('sync.status', (status) => state().syncStatusChanged(status)),
    desk.on('order.updated', (order) => state().orderUpdated(order)),
    desk.on('conflicts.changed', () => {
      if (signedIn()) void state().loadConflicts();
    }),
    desk.on('sync.rejected', () => {
      if (signedIn()) void state().loadRejected();
    }),
    desk.on('seat.status', (status) => state().seatStatusChanged(status)),
    desk.on('call.offered', ({ pop, ...offer }) => {
      if (!signedIn()) return;
      state().openPop(offer, pop);
      state().prefillForCall(offer);
    }),
    desk.on('agent.state', (status) => {
      if (signedIn()) state().agentStatus(status);
    }),
    desk.on('callbacks.changed', () => {
      if (signedIn()) void state().loadCallbacks();
    }),
    desk.on('session.ended', ({ reason }) => state().sessionEnded(reason)),
    onLink((link) => {
      state().seatLinkChanged(link === 'open');
      if (link === 'open' && wasDown) void state().resume();
      wasDown = link !== 'open';
    }),
  ];
  return () => offs.forEach((off) => off());
}
