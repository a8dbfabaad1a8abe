import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import type { PhoneLeaseClientFrame, PhoneLeaseHostFrame } from '../../../shared/phone-lease';
import { Backoff } from '../lib/backoff';
import { PhoneLeaseClient, phoneLeaseUrl, type LeaseLoss } from './phone-lease-client';
import { SeatWindow, type ElsewhereReason, type SeatWindowView } from './seat-window';

/** A seat host's lease socket whose answers the test chooses. */
async function scriptedHost() {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as { port: number };
  const received: PhoneLeaseClientFrame[] = [];
  const sockets: WebSocket[] = [];
  server.on('connection', (socket) => {
    sockets.push(socket);
    socket.on('message', (data) => received.push(JSON.parse(String(data))));
  });
  const answer = (frame: PhoneLeaseHostFrame) => sockets.at(-1)!.send(JSON.stringify(frame));
  return { server, url: `ws://127.0.0.1:${port}/phone-lease`, received, sockets, answer };
}

function client(url: string) {
  const granted: number[] = [];
  const lost: LeaseLoss[] = [];
  const lease = new PhoneLeaseClient({
    url,
    events: { onGranted: () => granted.push(1), onLost: (reason) => lost.push(reason) },
    openSocket: (u) => new WebSocket(u) as unknown as globalThis.WebSocket,
    backoff: new Backoff(20, 40),
  });
  return { lease, granted, lost };
}

const servers: WebSocketServer[] = [];
const leases: PhoneLeaseClient[] = [];

afterEach(async () => {
  for (const lease of leases.splice(0)) lease.stop();
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

describe('PhoneLeaseClient', () => {
  it('claims the phone on start and runs it once granted', async () => {
    const host = await scriptedHost();
    servers.push(host.server);
    const { lease, granted, lost } = client(host.url);
    leases.push(lease);
    lease.start();
    await vi.waitFor(() => expect(host.received).toEqual([{ type: 'claim', takeover: false }]));
    host.answer({ type: 'granted' });
    await vi.waitFor(() => expect(granted).toHaveLength(1));
    expect(lease.current).toBe('owner');
    expect(lost).toEqual([]);
  });

  it('stays without the phone while busy, and takes over only when asked', async () => {
    const host = await scriptedHost();
    servers.push(host.server);
    const { lease, granted, lost } = client(host.url);
    leases.push(lease);
    lease.start();
    await vi.waitFor(() => expect(host.received).toHaveLength(1));
    host.answer({ type: 'busy' });
    await vi.waitFor(() => expect(lost).toEqual(['busy']));
    expect(granted).toEqual([]);

    lease.takeOver();
    await vi.waitFor(() => expect(host.received.at(-1)).toEqual({ type: 'claim', takeover: true }));
    host.answer({ type: 'granted' });
    await vi.waitFor(() => expect(granted).toHaveLength(1));
  });

  it('after a lost socket the owner claims again, and learns when another window has it', async () => {
    const host = await scriptedHost();
    servers.push(host.server);
    const { lease, granted, lost } = client(host.url);
    leases.push(lease);
    lease.start();
    await vi.waitFor(() => expect(host.received).toHaveLength(1));
    host.answer({ type: 'granted' });
    await vi.waitFor(() => expect(granted).toHaveLength(1));

    host.sockets[0]!.terminate();
    await vi.waitFor(() => expect(host.sockets).toHaveLength(2));
    await vi.waitFor(() => expect(host.received).toHaveLength(2));
    expect(host.received[1]).toEqual({ type: 'claim', takeover: false });
    host.answer({ type: 'granted' });
    await new Promise((r) => setTimeout(r, 50));
    expect(granted, 'the phone is not started twice').toHaveLength(1);

    host.answer({ type: 'busy' });
    await vi.waitFor(() => expect(lost).toEqual(['busy']));
    expect(lease.current).toBe('elsewhere');
  });

  it('runs the phone when the seat host gives no lease at all', async () => {
    const host = await scriptedHost();
    servers.push(host.server);
    const url = host.url;
    await new Promise((r) => host.server.close(r));
    servers.pop();
    const { lease, granted } = client(url);
    leases.push(lease);
    lease.start();
    await vi.waitFor(() => expect(granted).toHaveLength(1));
    expect(lease.current).toBe('owner');
  });

  it('puts the lease socket next to the desk socket', () => {
    const at = { protocol: 'http:', host: '127.0.0.1:4100', search: '' };
    expect(phoneLeaseUrl(at)).toBe('ws://127.0.0.1:4100/phone-lease');
    const dev = { ...at, search: '?desk=ws://127.0.0.1:4200/desk' };
    expect(phoneLeaseUrl(dev)).toBe('ws://127.0.0.1:4200/phone-lease');
  });
});

describe('SeatWindow', () => {
  function setup() {
    const steps: string[] = [];
    const view: SeatWindowView = {
      showDesk: () => steps.push('desk'),
      hideDesk: () => steps.push('no-desk'),
      showElsewhere: (reason: ElsewhereReason) => steps.push(`notice:${reason}`),
      hideElsewhere: () => steps.push('no-notice'),
    };
    const engine = {
      stop: async () => {
        steps.push('stop');
      },
    };
    const lease = {
      takeOver: () => steps.push('take-over'),
      released: () => steps.push('released'),
    };
    return { steps, window: new SeatWindow(engine, lease, view) };
  }

  it('taken over: the desk goes, the phone stops, and only then the seat host hears so', async () => {
    const { steps, window } = setup();
    window.onGranted();
    await window.onLost('taken-over');
    expect(steps).toEqual([
      'no-notice',
      'desk',
      'no-desk',
      'notice:taken-over',
      'stop',
      'released',
    ]);
  });

  it('busy: no desk and no phone here; take over brings the desk back once granted', async () => {
    const { steps, window } = setup();
    await window.onLost('busy');
    expect(steps).toEqual(['no-desk', 'notice:busy', 'stop']);
    window.takeOver();
    window.onGranted();
    expect(steps.slice(3)).toEqual(['notice:taking-over', 'take-over', 'no-notice', 'desk']);
  });
});
