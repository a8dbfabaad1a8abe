// Bundles the Electron main process and the preload with esbuild.
// The main process keeps the native store external (it is rebuilt for Electron's ABI at
// packaging time); the sandboxed preload may require nothing but 'electron', so every
// other import is bundled into it.
import { build } from 'esbuild';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'info',
  external: ['electron'],
};

await build({
  ...common,
  entryPoints: ['electron/main/main.ts'],
  outfile: 'dist/electron/main.cjs',
  external: [
    'electron',
    'better-sqlite3',
    '@node-rs/argon2',
    'pino-pretty',
    'bufferutil',
    'utf-8-validate',
  ],
});

await build({
  ...common,
  entryPoints: ['electron/main/preload.ts'],
  outfile: 'dist/electron/preload.cjs',
});
