import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { LoginResponse } from '../../../shared/hub-api.js';
import { SeatStore } from '../store/seat-store.js';
import { OfflineCredentials } from './offline-credentials.js';

const key = Buffer.alloc(32, 9);

describe('the offline credential record', () => {
  it('lasts until the shift ends on the hub clock, and is sealed', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'seat-cred-'));
    try {
      const store = new SeatStore(path.join(dir, 'seat.sqlite'), pino({ level: 'silent' }));
      store.unlock(key);
      let now = Date.parse('2026-12-04T01:00:00Z');
      const credentials = new OfflineCredentials(
        () => store,
        () => now,
      );
      const login: LoginResponse = {
        token: 't',
        refreshToken: 'r',
        expiresIn: 900,
        // The seat's clock is ten minutes behind the hub's.
        hubTime: '2026-12-04T01:10:00Z',
        shiftEndsAt: '2026-12-04T09:00:00Z',
        agent: {
          id: 'a1',
          account: 'agent01',
          name: '坐席一',
          role: 'agent',
          extension: '1001',
          queues: ['general'],
        },
        sip: {
          wsUrl: 'wss://pbx',
          domain: 'pbx',
          user: '1001',
          password: 'sip',
          displayName: '1001',
        },
      };
      await credentials.remember('agent01', 'demo1234', login);
      expect(store.database.prepare('SELECT record FROM credentials').pluck().get()).toMatch(
        /^s1:/,
      );

      now = Date.parse('2026-12-04T08:45:00Z'); // 08:55 at the hub
      expect(await credentials.check('Agent01 ', 'demo1234')).toMatchObject({ ok: true });
      now = Date.parse('2026-12-04T08:51:00Z'); // 09:01 at the hub
      expect(await credentials.check('agent01', 'demo1234')).toEqual({
        ok: false,
        reason: 'expired',
      });
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
