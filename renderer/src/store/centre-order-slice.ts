import type { CentreOrder } from '../../../shared/hub-api';
import type { HubOrder } from '../../../shared/order';
import { toErrorInfo, type ErrorInfo } from '../bridge/errors';
import { createLogger } from '../lib/log';
import type { SliceCreator } from './types';

const log = createLogger('seat.ui.centre-orders');

/** Orders a page of the centre's list asks for. */
export const CENTRE_PAGE = 30;

/** What the lead narrowed the list to; '' is "any". */
export interface CentreOrderFilter {
  agent: string;
  queue: string;
}

/**
 * The centre's orders of today, as a shift lead pages through them (centreOrder.list).
 *
 *   idle ──load──▶ loading ──▶ ready (more: appends the next page) | failed
 */
export interface CentreOrderList {
  phase: 'idle' | 'loading' | 'ready' | 'failed';
  day: string | null;
  orders: CentreOrder[];
  /** The `before` of the next page; null on the last one. */
  next: string | null;
  filter: CentreOrderFilter;
  error: ErrorInfo | null;
}

/** An order the lead opened, read-only: from the list, or found by number. */
export type CentreOrderShown = HubOrder & Partial<Pick<CentreOrder, 'agentAccount' | 'queue'>>;

/**
 *   (none) ──find──▶ loading ──▶ ready | missing (no such number) | failed ──close──▶ (none)
 *   (none) ──open a row──▶ ready
 */
export interface CentreOrderOpen {
  phase: 'loading' | 'ready' | 'missing' | 'failed';
  orderNo: string;
  order: CentreOrderShown | null;
  error: ErrorInfo | null;
}

export interface CentreOrderSlice {
  centreList: CentreOrderList;
  centreOpen: CentreOrderOpen | null;
  /** Loads the first page again, with `filter` when given (else the current one). */
  loadCentreOrders(filter?: CentreOrderFilter): Promise<void>;
  /** Appends the next page of the current list. */
  moreCentreOrders(): Promise<void>;
  /** Opens an order by its official number, whoever took it and whenever. */
  findCentreOrder(orderNo: string): Promise<void>;
  openCentreOrder(order: CentreOrder): void;
  closeCentreOrder(): void;
}

export const initialCentreOrderState = {
  centreList: {
    phase: 'idle',
    day: null,
    orders: [],
    next: null,
    filter: { agent: '', queue: '' },
    error: null,
  } as CentreOrderList,
  centreOpen: null as CentreOrderOpen | null,
};

const filterParams = (filter: CentreOrderFilter) => ({
  ...(filter.agent.trim() ? { agent: filter.agent.trim() } : {}),
  ...(filter.queue ? { queue: filter.queue } : {}),
});

export const createCentreOrderSlice: SliceCreator<CentreOrderSlice> = (set, get, { desk }) => {
  // Answers of an older request are dropped: the lead changed the filter meanwhile.
  let asked = 0;

  const fetchPage = async (filter: CentreOrderFilter, before: string | null) => {
    const ticket = ++asked;
    const list = get().centreList;
    set({ centreList: { ...list, filter, phase: 'loading', error: null } });
    try {
      const page = await desk.call('centreOrder.list', {
        ...filterParams(filter),
        ...(before ? { before } : {}),
        limit: CENTRE_PAGE,
      });
      if (ticket !== asked) return;
      const orders = before ? [...get().centreList.orders, ...page.orders] : page.orders;
      set({
        centreList: { phase: 'ready', day: page.day, orders, next: page.next, filter, error: null },
      });
    } catch (error) {
      if (ticket !== asked) return;
      const info = toErrorInfo(error);
      set({ centreList: { ...get().centreList, phase: 'failed', error: info } });
      log.warn(`The centre's orders could not be read: ${info.message}`);
    }
  };

  return {
    ...initialCentreOrderState,

    loadCentreOrders(filter) {
      return fetchPage(filter ?? get().centreList.filter, null);
    },

    async moreCentreOrders() {
      const { next, filter, phase } = get().centreList;
      if (!next || phase === 'loading') return;
      await fetchPage(filter, next);
    },

    async findCentreOrder(text) {
      const orderNo = text.trim().toUpperCase();
      set({ centreOpen: { phase: 'loading', orderNo, order: null, error: null } });
      try {
        const order = await desk.call('centreOrder.find', { orderNo });
        if (get().centreOpen?.orderNo !== orderNo) return;
        set({
          centreOpen: order
            ? { phase: 'ready', orderNo, order, error: null }
            : { phase: 'missing', orderNo, order: null, error: null },
        });
      } catch (error) {
        if (get().centreOpen?.orderNo !== orderNo) return;
        const info = toErrorInfo(error);
        set({ centreOpen: { phase: 'failed', orderNo, order: null, error: info } });
        log.warn(`Order ${orderNo} could not be found: ${info.message}`);
      }
    },

    openCentreOrder(order) {
      set({ centreOpen: { phase: 'ready', orderNo: order.orderNo, order, error: null } });
    },

    closeCentreOrder() {
      set({ centreOpen: null });
    },
  };
};
