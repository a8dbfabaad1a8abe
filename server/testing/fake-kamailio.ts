import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { AcdReply } from '../../shared/acd-protocol.js';
import { encodeNetstring, NetstringDecoder } from '../acd/netstring.js';

/**
 * Plays Kamailio's evapi side in tests: a TCP server on 127.0.0.1 that speaks netstring
 * JSON, sends call events to the connected hub and collects the hub's replies.
 */
export class FakeKamailio {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private readonly replies: AcdReply[] = [];
  private readonly waiters: ((r: AcdReply) => void)[] = [];
  private connectWaiters: (() => void)[] = [];
  connections = 0;

  /**
   * @param options.noDelay false leaves Nagle's algorithm on for what the fake sends, as a
   *   peer that never sets TCP_NODELAY would (bench/routing.ts measures both)
   */
  constructor(private readonly options: { noDelay?: boolean } = {}) {}

  async listen(port = 0): Promise<number> {
    const server = createServer((socket) => {
      socket.setNoDelay(this.options.noDelay ?? true);
      this.connections += 1;
      this.sockets.add(socket);
      const decoder = new NetstringDecoder();
      socket.on('data', (chunk: Buffer) => {
        for (const frame of decoder.push(chunk).frames) {
          const reply = JSON.parse(frame) as AcdReply;
          const waiter = this.waiters.shift();
          if (waiter) waiter(reply);
          else this.replies.push(reply);
        }
      });
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => undefined);
      for (const w of this.connectWaiters) w();
      this.connectWaiters = [];
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  }

  /** Resolves when at least `count` connections have been made in all. */
  async connected(count = 1, timeoutMs = 3000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.connections < count || this.sockets.size === 0) {
      if (Date.now() > deadline) throw new Error(`hub did not connect (${this.connections})`);
      await new Promise<void>((resolve) => {
        this.connectWaiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  send(event: Record<string, unknown>): void {
    this.sendRaw(encodeNetstring(JSON.stringify(event)));
  }

  sendRaw(bytes: Buffer | string): void {
    for (const s of this.sockets) s.write(bytes);
  }

  /** The next reply from the hub, or a rejection after `timeoutMs`. */
  nextReply(timeoutMs = 2000): Promise<AcdReply> {
    const queued = this.replies.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new Error(`no reply from the hub within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = (r: AcdReply): void => {
        clearTimeout(timer);
        resolve(r);
      };
      this.waiters.push(waiter);
    });
  }

  /** Cuts every connection, as a Kamailio restart would. */
  dropClients(): void {
    for (const s of this.sockets) s.destroy();
  }

  async close(): Promise<void> {
    this.dropClients();
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
