import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { lockDatabase } from '../store/database-lock.js';
import { tempDir } from '../testing/fixture.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const tmp = tempDir();
afterAll(() => tmp.cleanup());

function seed(args: string[]) {
  const result = spawnSync(TSX, ['server/seed/main.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, HUB_DB: join(tmp.dir, 'default.sqlite'), HUB_DB_URL: '' },
    encoding: 'utf8',
  });
  return { code: result.status, err: result.stderr };
}

describe('npm run seed (server/seed/main.ts)', () => {
  it('caps --orders, naming the bound, and creates nothing', () => {
    const db = join(tmp.dir, 'huge.sqlite');
    const result = seed(['--orders', '200000000', '--db', db]);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/^seed: --orders must be at most 20000000, got "200000000"/);
    expect(result.err).toContain('nine staff accounts');
    expect(existsSync(db)).toBe(false);
  });

  it('says in one line that a PostgreSQL server cannot be reached', () => {
    const result = seed(['--db', 'postgres://bad']);
    expect(result.code).toBe(1);
    expect(result.err.trim()).toMatch(
      /^seed: postgres:\/\/bad: no PostgreSQL server answers at bad:5432 \((ENOTFOUND|EAI_AGAIN)\)$/,
    );
  });

  it('leaves alone a file a running hub holds', () => {
    const db = join(tmp.dir, 'held.sqlite');
    const lock = lockDatabase(db, 'hub');
    try {
      const result = seed(['--force', '--db', db]);
      expect(result.code).toBe(1);
      expect(result.err.trim()).toBe(
        `seed: ${db} is in use by a hub (process ${process.pid}); stop it first`,
      );
      expect(existsSync(db)).toBe(false);
    } finally {
      lock.release();
    }
  });
});
