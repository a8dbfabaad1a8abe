import { networkInterfaces } from 'node:os';

/**
 * Which Host and Origin headers the seat host answers. Checking the Origin against the
 * request's own Host is not enough: under DNS rebinding an attacker's name (evil.example)
 * resolves to 127.0.0.1, so the browser sends that name in both headers and they agree.
 * The attacker's page cannot choose a Host the seat owns, though, so the seat answers only
 * its own addresses: the listen host at the listen port, the loopback names when it listens
 * on loopback (every interface's address when it listens on all of them), and the origins
 * the operator names in SEAT_ALLOWED_ORIGINS.
 *
 *   not listening ──listening(port)──▶ answers its own addresses
 *
 * Before `listening` nothing is allowed: the port is not known yet.
 */
export class HostGuard {
  private hosts = new Set<string>();
  private origins = new Set<string>();

  constructor(
    private readonly listenHost: string,
    private readonly extraOrigins: readonly string[] = [],
  ) {}

  /** Called once the server has its port (0 picks one at listen time). */
  listening(port: number): void {
    const names = ownNames(this.listenHost);
    this.hosts = new Set();
    this.origins = new Set();
    for (const name of names) {
      const host = `${name}:${port}`;
      this.hosts.add(host);
      // A browser leaves the default port out of Host (RFC 9110 §7.2).
      if (port === 80) this.hosts.add(name);
      for (const scheme of ['http', 'https'])
        this.origins.add(new URL(`${scheme}://${host}`).origin);
    }
    for (const origin of this.extraOrigins) this.origins.add(origin.toLowerCase());
  }

  /**
   * The Host header names this seat. A request without one is refused as well: HTTP/1.1
   * requires it (RFC 9112 §3.2), and no browser leaves it out.
   */
  hostAllowed(host: string | undefined): boolean {
    return host !== undefined && this.hosts.has(host.toLowerCase());
  }

  /** No Origin means no browser page (tools, tests); a browser always sends one. */
  originAllowed(origin: string | undefined): boolean {
    return origin === undefined || this.origins.has(origin.toLowerCase());
  }
}

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

/** The names, as they appear in a Host header without the port, that reach `listenHost`. */
function ownNames(listenHost: string): string[] {
  const bare = listenHost.replace(/^\[|\]$/g, '').toLowerCase();
  const names = new Set([bracket(bare)]);
  if (isLoopback(bare)) for (const name of LOOPBACK_NAMES) names.add(name);
  if (bare === '0.0.0.0' || bare === '::') {
    for (const name of LOOPBACK_NAMES) names.add(name);
    for (const addresses of Object.values(networkInterfaces())) {
      for (const { address } of addresses ?? []) names.add(bracket(address.toLowerCase()));
    }
  }
  return [...names];
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

function bracket(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
