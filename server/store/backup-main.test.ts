import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../testing/fixture.js';
import { openHubStore } from './open-store.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const tmp = tempDir();
afterAll(() => tmp.cleanup());

/** `npm run hub:backup|hub:restore -- ...args`, with HUB_DB at a file of the temp dir. */
function hubBackup(args: string[]) {
  const result = spawnSync(TSX, ['server/store/backup-main.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, HUB_DB: join(tmp.dir, 'default.sqlite'), HUB_DB_URL: '' },
    encoding: 'utf8',
  });
  return { code: result.status, err: result.stderr, out: result.stdout };
}

describe('hub:backup and hub:restore command lines', () => {
  it('restore refuses --out, a backup flag, and touches no database', () => {
    const result = hubBackup(['restore', '--from', join(tmp.dir, 'y.bak'), '--out', '/tmp/x']);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(
      /^hub-backup: restore does not take --out \(it takes --from, --db, --force\)/,
    );
    expect(existsSync(join(tmp.dir, 'default.sqlite'))).toBe(false);
  });

  it('backup refuses --from and --force, and any unknown flag', () => {
    for (const flag of ['--from', '--force', '--output']) {
      const result = hubBackup(['backup', flag, 'x']);
      expect(result.code, flag).toBe(2);
      expect(result.err).toContain(`backup does not take ${flag} (it takes --out, --db)`);
    }
  });

  it('refuses a bare argument', () => {
    const result = hubBackup(['backup', '--out', join(tmp.dir, 'a.bak'), 'extra']);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/backup takes no bare arguments: .*extra/);
  });

  it('backs up and restores with the right flags; a failure is one line, exit 1', async () => {
    const db = join(tmp.dir, 'hub.sqlite');
    await (await openHubStore({ sqlitePath: db })).close();
    const file = join(tmp.dir, 'hub.backup');
    const backup = hubBackup(['backup', '--out', file, '--db', db]);
    expect(backup.code, backup.err).toBe(0);
    expect(backup.out).toContain(`${db} backed up to ${file}`);
    const restore = hubBackup(['restore', '--from', file, '--db', db]);
    expect(restore.code, restore.err).toBe(0);

    const toDir = hubBackup(['backup', '--out', tmp.dir, '--db', db]);
    expect(toDir.code).toBe(1);
    expect(toDir.err.trim()).toBe(
      `hub-backup: backup failed: the backup file ${tmp.dir} is a directory; ` +
        `name a file in it, for example ${join(tmp.dir, 'hub.backup')}`,
    );
  });
});
