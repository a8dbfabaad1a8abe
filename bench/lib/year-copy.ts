import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';

/**
 * A working copy of a generated year for a benchmark that runs the hub on it. The hub
 * writes to its database (calls, sessions, audit), and the history benchmark checks the
 * cached year's totals against the generator, so the cached file itself is never handed
 * to a hub. ext4 has no reflinks: the copy is a real one (4.3 GB for 6M orders, about a
 * minute), made once and reused while the source is unchanged (its size and mtime are
 * kept beside the copy). Calls a run adds to the copy only lengthen callers' past calls.
 */
export function yearCopy(source: string, copy: string): { path: string; copied: boolean } {
  if (!existsSync(source)) {
    throw new Error(
      `the generated year ${source} is not there: run \`npm run bench -- history\` first ` +
        '(it generates and caches it)',
    );
  }
  const { size, mtimeMs } = statSync(source);
  const stampPath = `${copy}.source.json`;
  const stamp = JSON.stringify({ source, size, mtimeMs });
  if (existsSync(copy) && existsSync(stampPath) && readFileSync(stampPath, 'utf8') === stamp) {
    return { path: copy, copied: false };
  }
  for (const suffix of ['', '-wal', '-shm', '.source.json']) rmSync(copy + suffix, { force: true });
  const partial = `${copy}.partial`;
  const cp = spawnSync('cp', ['--sparse=always', source, partial], { encoding: 'utf8' });
  if (cp.status !== 0) throw new Error(`copying ${source} failed: ${cp.stderr}`);
  renameSync(partial, copy);
  writeFileSync(stampPath, stamp);
  return { path: copy, copied: true };
}
