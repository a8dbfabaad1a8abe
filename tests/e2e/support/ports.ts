import { createConnection } from 'node:net';
import { createSocket } from 'node:dgram';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Resolves once a TCP connect to host:port succeeds; rejects after timeoutMs. */
export async function waitForTcpPort(
  host: string,
  port: number,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = createConnection({ host, port });
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() >= deadline) throw new Error(`nothing listens on tcp ${host}:${port}`);
    await sleep(100);
  }
}

/** Resolves once nothing accepts TCP on host:port any more; rejects after timeoutMs. */
export async function waitForTcpPortClosed(
  host: string,
  port: number,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await waitForTcpPort(host, port, 0);
    } catch {
      return;
    }
    if (Date.now() >= deadline) throw new Error(`tcp ${host}:${port} still accepts`);
    await sleep(100);
  }
}

/** A UDP port that was free on host a moment ago (the OS picks it). */
export async function freeUdpPort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    s.once('error', reject);
    s.bind(0, host, () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/**
 * Polls `check` every intervalMs until it returns a truthy value, which is returned; throws
 * `what` after timeoutMs.
 */
export async function waitUntil<T>(
  what: string,
  check: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  timeoutMs = 10_000,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms: ${what}`);
    await sleep(intervalMs);
  }
}
