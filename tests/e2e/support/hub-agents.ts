import Database from 'better-sqlite3';
import type { DeskSeat } from './desk-seat.js';

/**
 * Gives the hub's `account` these queues (its skills, e.g. ['sign-language'] for the
 * sign-language seat). The seed gives every agent the general queue only, and the ACD
 * reads skills when it starts, so the hub is stopped, its database changed and the hub
 * started again. Call it before the account signs in.
 */
export async function setAgentQueues(
  ds: DeskSeat,
  account: string,
  queues: readonly string[],
): Promise<void> {
  await ds.hub.stop();
  const db = new Database(ds.hubDb);
  try {
    const changed = db
      .prepare('UPDATE agents SET queues = ? WHERE account = ?')
      .run(JSON.stringify(queues), account).changes;
    if (changed !== 1) throw new Error(`the hub database ${ds.hubDb} has no account ${account}`);
  } finally {
    db.close();
  }
  await ds.restartHub();
}
