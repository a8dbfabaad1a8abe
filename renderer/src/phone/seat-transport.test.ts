import { Core } from 'sip.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { SeatTransport } from './seat-transport';

/** A real sip.js transport against a local ws server (sip.js needs only a global WebSocket). */
async function connected() {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as { port: number };
  const received: string[] = [];
  const sockets: WebSocket[] = [];
  server.on('connection', (socket) => {
    sockets.push(socket);
    socket.on('message', (data) => received.push(data.toString()));
  });
  vi.stubGlobal('WebSocket', WebSocket);
  const logger = new Core.LoggerFactory().getLogger('test.transport');
  const transport = new SeatTransport(logger, {
    server: `ws://127.0.0.1:${port}`,
    traceSip: false,
  });
  const disconnects: Array<Error | undefined> = [];
  transport.onDisconnect = (error) => disconnects.push(error);
  await transport.connect();
  await vi.waitFor(() => expect(sockets).toHaveLength(1));
  return { server, transport, received, socket: sockets[0]!, disconnects };
}

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('SeatTransport keep-alives (F01)', () => {
  it('answers a server ping (CRLF CRLF) with one CRLF and stays connected', async () => {
    const { server, transport, received, socket, disconnects } = await connected();
    const messages: string[] = [];
    transport.onMessage = (message) => messages.push(message);
    socket.send('\r\n\r\n');
    await vi.waitFor(() => expect(received).toEqual(['\r\n']));
    expect(messages).toEqual([]); // not parsed as a SIP message
    expect(transport.isConnected()).toBe(true);
    expect(disconnects).toEqual([]);
    await transport.dispose();
    server.close();
  });

  it('does not drop a server that never answers pings', async () => {
    const { server, transport, received, disconnects } = await connected();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    await transport.send('\r\n\r\n');
    vi.advanceTimersByTime(30_000);
    vi.useRealTimers();
    await vi.waitFor(() => expect(received).toEqual(['\r\n\r\n']));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(disconnects).toEqual([]);
    expect(transport.isConnected()).toBe(true);
    await transport.dispose();
    server.close();
  });

  it('takes CRLF frames as the pong to its own ping, and closes when none comes', async () => {
    const { server, transport, received, socket, disconnects } = await connected();
    await transport.send('\r\n\r\n');
    await vi.waitFor(() => expect(received).toEqual(['\r\n\r\n']));
    socket.send('\r\n');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(transport.isConnected()).toBe(true);

    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    await transport.send('\r\n\r\n'); // the server stays silent this time
    vi.advanceTimersByTime(10_000);
    vi.useRealTimers();
    await vi.waitFor(() => expect(disconnects).toHaveLength(1));
    expect(transport.isConnected()).toBe(false);
    await transport.dispose();
    server.close();
  });
});
