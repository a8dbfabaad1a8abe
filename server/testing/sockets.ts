import type { AddressInfo } from 'node:net';
import { beforeAll } from 'vitest';
import { WebSocket } from 'ws';
import type { z } from 'zod';
import type { SeededHub } from './fixture.js';

/**
 * Test helpers for the hub's WebSocket endpoints, which need a listening hub: app.inject
 * cannot upgrade.
 */
export interface HubSockets {
  /** The ws:// URL of `path` on the listening hub, with `?token=` when a token is given. */
  url(path: string, token: string | null): string;
}

/** Makes the file's seeded hub listen on a loopback port before its tests run. */
export function useHubSockets(seeded: SeededHub): HubSockets {
  let base: string | null = null;
  beforeAll(async () => {
    const { app } = seeded.hub;
    await app.listen({ host: '127.0.0.1', port: 0 });
    base = `ws://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  return {
    url(path, token) {
      if (base === null) throw new Error('the hub listens only once beforeAll has run');
      return token === null
        ? `${base}${path}`
        : `${base}${path}?token=${encodeURIComponent(token)}`;
    },
  };
}

/** An open socket and a reader of its frames, each checked against the endpoint's schema. */
export interface SocketReader<T> {
  ws: WebSocket;
  /** The next frame, queued or yet to come; rejects when none comes within the time. */
  next(timeoutMs?: number): Promise<T>;
}

/** Opens a socket; rejects with `HTTP <status>` when the hub refuses the upgrade. */
export function openSocket<T>(url: string, schema: z.ZodType<T>): Promise<SocketReader<T>> {
  const ws = new WebSocket(url);
  const frames: T[] = [];
  const waiters: ((frame: T) => void)[] = [];
  ws.on('message', (data) => {
    const frame = schema.parse(JSON.parse(String(data)));
    const waiter = waiters.shift();
    if (waiter) waiter(frame);
    else frames.push(frame);
  });
  const next = (timeoutMs = 2000): Promise<T> =>
    new Promise((resolve, reject) => {
      if (frames.length > 0) return resolve(frames.shift()!);
      const timer = setTimeout(() => {
        waiters.splice(waiters.indexOf(waiter), 1);
        reject(new Error(`no frame within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = (frame: T): void => {
        clearTimeout(timer);
        resolve(frame);
      };
      waiters.push(waiter);
    });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, next }));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

/** The status the hub answers an upgrade to `url` with: 101 when it opens (then closed). */
export function upgradeStatus(url: string): Promise<number> {
  const ws = new WebSocket(url);
  return new Promise((resolve, reject) => {
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    ws.once('error', reject);
  });
}
