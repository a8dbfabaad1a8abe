import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../../tests/e2e/support/pbx.js';

/** Set in the child that already runs inside the benchmark's namespace. */
const INSIDE = 'HOTLINE_BENCH_NETNS';

/**
 * Benchmarks with a real PBX and Chromium run like the end-to-end tests: in a fresh network
 * namespace that has only `lo` (scripts/in-netns), so WebRTC gathers loopback candidates
 * only and no port clashes with another run. The first call re-runs this very program
 * there and exits with its code; inside, it returns and the benchmark goes on.
 */
export function runInOwnNetns(name: string): void {
  if (process.env[INSIDE] === '1') return;
  const script = process.argv[1];
  if (!script) throw new Error('runInOwnNetns: no script path in process.argv');
  const run = spawnSync(
    'bash',
    [
      join(REPO_ROOT, 'scripts/in-netns'),
      `hd-bench-${name}-${process.pid}`,
      process.execPath,
      '--import',
      'tsx',
      script,
      ...process.argv.slice(2),
    ],
    { stdio: 'inherit', cwd: REPO_ROOT, env: { ...process.env, [INSIDE]: '1' } },
  );
  process.exit(run.status ?? 1);
}
