import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { PhoneLeaseHostFrame } from '../../shared/phone-lease.js';
import { HostGuard } from './host-guard.js';
import { PhoneLease } from './phone-lease.js';

let server: Server;
let lease: PhoneLease;
let base: string;
const windows: LeaseWindow[] = [];

/** A browser window's lease socket that keeps every frame the host sends. */
interface LeaseWindow {
  ws: WebSocket;
  frames: PhoneLeaseHostFrame[];
  send(frame: unknown): void;
  /** The next frame not returned before (waits for it). */
  next(): Promise<PhoneLeaseHostFrame>;
}

async function openWindow(origin = base): Promise<LeaseWindow> {
  const ws = new WebSocket(`${base.replace('http', 'ws')}/phone-lease`, { origin });
  const frames: PhoneLeaseHostFrame[] = [];
  let read = 0;
  let wake: (() => void) | null = null;
  ws.on('message', (data: Buffer) => {
    frames.push(JSON.parse(data.toString()) as PhoneLeaseHostFrame);
    wake?.();
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const window: LeaseWindow = {
    ws,
    frames,
    send: (frame) => ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame)),
    async next() {
      while (frames.length <= read) {
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error('no lease frame within 2 s')), 2000);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      return frames[read++]!;
    },
  };
  windows.push(window);
  return window;
}

const settle = () => new Promise((r) => setTimeout(r, 100));

beforeEach(async () => {
  const guard = new HostGuard('127.0.0.1');
  lease = new PhoneLease({ log: pino({ level: 'silent' }), guard, releaseWaitMs: 300 });
  server = createServer((_req, res) => res.end());
  server.on('upgrade', (req, socket, head) => lease.handleUpgrade(req, socket, head));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  guard.listening(port);
  base = `http://127.0.0.1:${port}`;
});

afterEach(async () => {
  for (const w of windows.splice(0)) w.ws.terminate();
  await lease.close();
  await new Promise((r) => server.close(r));
});

describe('PhoneLease', () => {
  it('grants the phone to the first window and tells a second one the seat is busy', async () => {
    const first = await openWindow();
    first.send({ type: 'claim', takeover: false });
    expect(await first.next()).toEqual({ type: 'granted' });

    const second = await openWindow();
    second.send({ type: 'claim', takeover: false });
    expect(await second.next()).toEqual({ type: 'busy' });

    // Claiming again keeps it where it is.
    first.send({ type: 'claim', takeover: false });
    expect(await first.next()).toEqual({ type: 'granted' });
  });

  it('hands the phone over only after the window taken over has stopped its phone', async () => {
    const first = await openWindow();
    first.send({ type: 'claim', takeover: false });
    await first.next();
    const second = await openWindow();

    second.send({ type: 'claim', takeover: true });
    expect(await first.next()).toEqual({ type: 'taken-over' });
    await settle();
    expect(second.frames, 'no grant while the first window still runs its phone').toEqual([]);

    // A third window meanwhile is told the seat is busy.
    const third = await openWindow();
    third.send({ type: 'claim', takeover: false });
    expect(await third.next()).toEqual({ type: 'busy' });

    first.send({ type: 'released' });
    expect(await second.next()).toEqual({ type: 'granted' });
    first.send({ type: 'claim', takeover: false });
    expect(await first.next()).toEqual({ type: 'busy' });
  });

  it('hands the phone over after the release wait when the old window does not answer', async () => {
    const first = await openWindow();
    first.send({ type: 'claim', takeover: false });
    await first.next();
    const second = await openWindow();
    second.send({ type: 'claim', takeover: true });
    expect(await first.next()).toEqual({ type: 'taken-over' });
    const asked = Date.now();
    expect(await second.next()).toEqual({ type: 'granted' });
    expect(Date.now() - asked).toBeGreaterThanOrEqual(250);
  });

  it('frees the phone when its window closes, and a claim after that is granted', async () => {
    const first = await openWindow();
    first.send({ type: 'claim', takeover: false });
    await first.next();
    const second = await openWindow();
    second.send({ type: 'claim', takeover: false });
    expect(await second.next()).toEqual({ type: 'busy' });

    first.ws.close();
    await expect.poll(() => lease.held).toBe(false);
    second.send({ type: 'claim', takeover: false });
    expect(await second.next()).toEqual({ type: 'granted' });
  });

  it('answers a frame it cannot read with an error naming the expected frames', async () => {
    const w = await openWindow();
    w.send('not json');
    const error = await w.next();
    expect(error.type).toBe('error');
    expect(error).toMatchObject({ message: expect.stringContaining('"type":"claim"') });
    w.send({ type: 'claim' });
    expect((await w.next()).type).toBe('error');
    expect(lease.held).toBe(false);
    // The socket stays open and usable.
    w.send({ type: 'claim', takeover: false });
    expect(await w.next()).toEqual({ type: 'granted' });
  });

  it('refuses a lease socket from another origin', async () => {
    await expect(openWindow('http://evil.example')).rejects.toThrow(/403/);
  });
});
