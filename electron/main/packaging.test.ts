import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/**
 * electron-builder cannot package here (it downloads Electron), but its own schema check
 * can run: the packaging config is validated as the packaging machine will validate it.
 */
const root = path.resolve(import.meta.dirname, '../..');
const config = parse(readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')) as Record<
  string,
  unknown
>;

describe('electron-builder.yml', () => {
  it("passes electron-builder's own configuration schema", async () => {
    const { validateConfiguration } =
      (await import('app-builder-lib/out/util/config/config.js')) as {
        validateConfiguration(c: unknown, log: { isEnabled: boolean }): Promise<void>;
      };
    await expect(validateConfiguration(config, { isEnabled: false })).resolves.toBeUndefined();
  });

  it('describes Linux and Windows packages of the bundled main process', () => {
    expect(config.linux).toMatchObject({ target: expect.arrayContaining(['AppImage', 'deb']) });
    expect(config.win).toMatchObject({ target: ['nsis'] });
    expect(config.extraMetadata).toEqual({ main: 'dist/electron/main.cjs' });
    expect(config.files).toEqual(expect.arrayContaining(['dist/electron/**', 'renderer/dist/**']));
  });

  it('keeps the Electron fuses that close Node-level back doors', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
    });
  });
});
