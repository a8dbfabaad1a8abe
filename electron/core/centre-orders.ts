import type { Logger } from 'pino';
import type { z } from 'zod';
import type { DESK_METHODS, DeskResult, Session } from '../../shared/desk-api.js';
import type { Role } from '../../shared/hub-api.js';
import { DeskError } from './desk-errors.js';
import type { HubClient } from './hub/hub-client.js';
import { HubHttpError } from './hub/hub-errors.js';

/** Roles that see the centre's orders in the desk; the hub decides again (403). */
export const CENTRE_ORDER_ROLES: readonly Role[] = ['lead', 'admin'];

type Method = 'centreOrder.list' | 'centreOrder.find';
type Handler<M extends Method> = (
  params: z.infer<(typeof DESK_METHODS)[M]['params']>,
) => Promise<DeskResult<M>>;

export interface CentreOrderDeps {
  hub: HubClient;
  session(): Session | null;
  /** Throws hub-unreachable while the session is offline (see seat-core's requireHub). */
  requireHub(what: string): void;
  log: Logger;
}

/**
 * The desk methods a shift lead opens the centre's orders with: the day's list at the hub
 * and one order by its number. Nothing of it is stored on the seat: it is the hub's data,
 * read live, and the seat's store holds the agent's own orders only. Logs carry order
 * numbers and counts, never a caller's name or number.
 */
export function centreOrderHandlers(deps: CentreOrderDeps): { [M in Method]: Handler<M> } {
  const allowed = (what: string): string => {
    const agent = deps.session()?.agent;
    if (!agent || !CENTRE_ORDER_ROLES.includes(agent.role)) {
      throw new DeskError(
        'forbidden',
        `Only shift leads and admins see the centre's orders; ${agent?.account ?? 'this account'} ` +
          `has the role ${agent?.role ?? 'none'}.`,
      );
    }
    deps.requireHub(what);
    return agent.id;
  };

  const refused = (err: unknown): never => {
    if (err instanceof HubHttpError && err.status === 403) {
      throw new DeskError('forbidden', `The hub refused the centre's orders: ${err.message}`);
    }
    throw err;
  };

  return {
    async 'centreOrder.list'(query) {
      const by = allowed("The centre's orders");
      const page = await deps.hub.centreOrders(query).catch(refused);
      const filters = [query.agent && `agent ${query.agent}`, query.queue && `queue ${query.queue}`]
        .filter(Boolean)
        .join(', ');
      deps.log.info(
        { agentId: by, day: page.day, orders: page.orders.length, before: query.before },
        `${by} listed ${page.orders.length} orders of the centre of ${page.day}` +
          `${filters ? ` (${filters})` : ''}${query.before ? ` before ${query.before}` : ''}.`,
      );
      return page;
    },

    async 'centreOrder.find'({ orderNo }) {
      const by = allowed('Finding an order of the centre');
      const order = await deps.hub.order(orderNo).catch(refused);
      deps.log.info(
        { agentId: by, orderNo, found: order !== null, callId: order?.callId ?? undefined },
        order
          ? `${by} opened order ${orderNo} of the centre.`
          : `${by} looked for order ${orderNo}; the hub has none.`,
      );
      return order;
    },
  };
}
