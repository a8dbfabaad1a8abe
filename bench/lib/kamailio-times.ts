/**
 * What Kamailio logged about each hotline call, with its own clock: the `hub.acd:` lines of
 * resources/pbx/kamailio.cfg carry `at <seconds.microseconds>` ($TV(Sn)) on "queued" (the
 * INVITE was taken and the hub asked) and on "routed to agent" (the INVITE leaves for the
 * seat right after: t_relay follows that line).
 */
export interface KamailioCallTimes {
  /** Epoch ms when the call was queued and call.queued sent to the hub. */
  queuedAt?: number;
  /** Epoch ms when the hub's route was applied and the INVITE relayed to the agent. */
  routedAt?: number;
}

const QUEUED = /hub\.acd: call (\S+) from \S+ queued in .* at (\d+)\.(\d{6})\b/;
const ROUTED = /hub\.acd: call (\S+) routed to agent .* at (\d+)\.(\d{6})\b/;

const epochMs = (seconds: string, micros: string): number =>
  Number(seconds) * 1000 + Number(micros) / 1000;

/** The times per call id found in a Kamailio log; the first "queued", the last "routed". */
export function kamailioCallTimes(log: string): Map<string, KamailioCallTimes> {
  const calls = new Map<string, KamailioCallTimes>();
  const of = (callId: string): KamailioCallTimes => {
    let times = calls.get(callId);
    if (!times) calls.set(callId, (times = {}));
    return times;
  };
  for (const line of log.split('\n')) {
    const queued = QUEUED.exec(line);
    if (queued) {
      const times = of(queued[1]!);
      times.queuedAt ??= epochMs(queued[2]!, queued[3]!);
      continue;
    }
    const routed = ROUTED.exec(line);
    if (routed) of(routed[1]!).routedAt = epochMs(routed[2]!, routed[3]!);
  }
  return calls;
}
