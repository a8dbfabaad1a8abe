import { createServer } from 'node:net';

/**
 * A TCP port that was free on `host` a moment ago, picked by the OS; for a test that needs
 * an address where nothing listens, or a server of its own. Another process may take it
 * before the test binds it, which on a test machine is rare enough.
 */
export function freeTcpPort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error(`no TCP port was given on ${host}`));
      });
    });
  });
}
