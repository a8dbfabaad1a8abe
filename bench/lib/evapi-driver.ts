import type { AcdReply } from '../../shared/acd-protocol.js';
import { FakeKamailio } from '../../server/testing/fake-kamailio.js';

/**
 * Kamailio's side of bench/routing.ts, in a child process, as Kamailio is a process of its
 * own: its timing does not wait for the hub's event loop. It takes its plan as the first
 * IPC message, listens for the hub's evapi client, then on `go` sends the calls one at a
 * time and times each `call.queued` until its `route` reply is read.
 */
export interface DriverPlan {
  noDelay: boolean;
  calls: number;
  warmup: number;
  backlog: number;
  inCall: number;
  queues: string[];
}

export type DriverMessage =
  | { type: 'listening'; port: number }
  | { type: 'backlog-sent' }
  | { type: 'done'; decisionMs: number[]; waited: number };

export type DriverCommand = { type: 'plan'; plan: DriverPlan } | { type: 'backlog' | 'go' };

let plan: DriverPlan;
let kamailio: FakeKamailio;

function post(message: DriverMessage): void {
  process.send!(message);
}

let index = 0;
function queued(callId: string, queue: string): Record<string, unknown> {
  index += 1;
  return {
    event: 'call.queued',
    tindex: index,
    tlabel: index,
    callId,
    caller: `138${String(10_000_000 + index).slice(-8)}`,
    queue,
  };
}

async function drive(): Promise<void> {
  const talking: string[] = [];
  const endOldest = (): void => {
    const callId = talking.shift();
    if (callId) kamailio.send({ event: 'call.ended', callId });
  };
  const decisionMs: number[] = [];
  let waited = 0;
  const total = plan.warmup + plan.calls;
  for (let i = 0; i < total; i++) {
    const callId = `call-${i}@bench`;
    const started = performance.now();
    kamailio.send(queued(callId, plan.queues[i % plan.queues.length]!));
    let reply: AcdReply | null = null;
    let hadToWait = false;
    while (!reply) {
      try {
        reply = await kamailio.nextReply(200);
      } catch {
        // No agent of that skill is free: end a conversation and let the call wait for it.
        hadToWait = true;
        endOldest();
      }
    }
    const elapsed = performance.now() - started;
    if (reply.action !== 'route' || reply.callId !== callId) {
      throw new Error(`unexpected reply for ${callId}: ${JSON.stringify(reply)}`);
    }
    if (i >= plan.warmup) {
      if (hadToWait) waited += 1;
      else decisionMs.push(elapsed);
    }
    kamailio.send({ event: 'call.answered', callId });
    talking.push(callId);
    while (talking.length > plan.inCall) endOldest();
  }
  post({ type: 'done', decisionMs, waited });
  await kamailio.close();
  process.disconnect();
}

process.on('message', (command: DriverCommand) => {
  switch (command.type) {
    case 'plan':
      plan = command.plan;
      kamailio = new FakeKamailio({ noDelay: plan.noDelay });
      void kamailio.listen().then((listening) => post({ type: 'listening', port: listening }));
      return;
    case 'backlog':
      for (let i = 0; i < plan.backlog; i++) kamailio.send(queued(`backlog-${i}`, 'talent'));
      post({ type: 'backlog-sent' });
      return;
    case 'go':
      void drive();
  }
});
