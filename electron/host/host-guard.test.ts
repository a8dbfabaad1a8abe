import { networkInterfaces } from 'node:os';
import { describe, expect, it } from 'vitest';
import { HostGuard } from './host-guard.js';

function listening(host: string, port: number, extra?: string[]): HostGuard {
  const guard = new HostGuard(host, extra);
  guard.listening(port);
  return guard;
}

describe('host guard', () => {
  it('allows nothing before it knows its port', () => {
    const guard = new HostGuard('127.0.0.1');
    expect(guard.hostAllowed('127.0.0.1:4100')).toBe(false);
  });

  it('answers the loopback names at the listen port only', () => {
    const guard = listening('127.0.0.1', 4100);
    for (const host of ['127.0.0.1:4100', 'localhost:4100', '[::1]:4100']) {
      expect(guard.hostAllowed(host)).toBe(true);
      expect(guard.originAllowed(`http://${host}`)).toBe(true);
      expect(guard.originAllowed(`https://${host}`)).toBe(true);
    }
    for (const host of ['evil.example:4100', '127.0.0.1:4101', '127.0.0.1', '', undefined]) {
      expect(guard.hostAllowed(host)).toBe(false);
    }
    for (const origin of ['http://evil.example:4100', 'null', 'http://localhost', 'file://']) {
      expect(guard.originAllowed(origin)).toBe(false);
    }
    expect(guard.originAllowed(undefined)).toBe(true);
  });

  it('answers only its own name when it listens elsewhere than loopback', () => {
    const guard = listening('192.0.2.7', 4100, ['http://desk.example:5173']);
    expect(guard.hostAllowed('192.0.2.7:4100')).toBe(true);
    expect(guard.hostAllowed('localhost:4100')).toBe(false);
    expect(guard.originAllowed('http://192.0.2.7:4100')).toBe(true);
    expect(guard.originAllowed('http://localhost:4100')).toBe(false);
    expect(guard.originAllowed('http://desk.example:5173')).toBe(true);
    expect(guard.hostAllowed('desk.example:5173')).toBe(false);
  });

  it('takes an IPv6 listen address, and port 80 without the port in Host', () => {
    const guard = listening('::1', 80);
    expect(guard.hostAllowed('[::1]')).toBe(true);
    expect(guard.hostAllowed('[::1]:80')).toBe(true);
    expect(guard.originAllowed('http://[::1]')).toBe(true);
    expect(guard.originAllowed('http://localhost')).toBe(true);
  });

  it('answers every interface address when it listens on all of them', () => {
    const guard = listening('0.0.0.0', 4100);
    const addresses = Object.values(networkInterfaces()).flatMap((list) => list ?? []);
    for (const { address, family } of addresses) {
      const name = family === 'IPv6' ? `[${address}]` : address;
      expect(guard.hostAllowed(`${name}:4100`)).toBe(true);
    }
    expect(guard.hostAllowed('localhost:4100')).toBe(true);
    expect(guard.hostAllowed('evil.example:4100')).toBe(false);
  });
});
