import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSeatConfig, SeatConfigError } from './seat-config.js';

const cwd = '/srv/seat';

function failure(env: NodeJS.ProcessEnv): SeatConfigError {
  try {
    readSeatConfig(env, cwd);
  } catch (err) {
    if (err instanceof SeatConfigError) return err;
    throw err;
  }
  throw new Error('the configuration was accepted');
}

describe('seat host configuration', () => {
  it('has a default for every variable', () => {
    expect(readSeatConfig({}, cwd)).toEqual({
      host: '127.0.0.1',
      port: 4100,
      dataDir: path.join(cwd, '.run/seat'),
      hubUrl: 'http://127.0.0.1:4000',
      rendererDir: path.join(cwd, 'renderer/dist'),
      allowedOrigins: [],
      logLevel: 'info',
    });
  });

  it('treats empty and blank values as unset', () => {
    const names = ['SEAT_HOST', 'SEAT_PORT', 'SEAT_DATA_DIR', 'HUB_URL', 'RENDERER_DIR'];
    const empty = Object.fromEntries(names.map((n) => [n, '']));
    expect(readSeatConfig({ ...empty, LOG_LEVEL: '  ', SEAT_ALLOWED_ORIGINS: '' }, cwd)).toEqual(
      readSeatConfig({}, cwd),
    );
    expect(readSeatConfig({ SEAT_PORT: ' ' }, cwd).port).toBe(4100);
  });

  it('takes 0 as any free port and the edges of the range', () => {
    expect(readSeatConfig({ SEAT_PORT: '0' }, cwd).port).toBe(0);
    expect(readSeatConfig({ SEAT_PORT: '65535' }, cwd).port).toBe(65535);
    expect(readSeatConfig({ SEAT_PORT: ' 4200 ' }, cwd).port).toBe(4200);
  });

  it.each(['abc', '-1', '70000', '65536', '4100.5', '1e3', '0x10', '41 00'])(
    'refuses SEAT_PORT=%s in one line that names it',
    (raw) => {
      const err = failure({ SEAT_PORT: raw });
      expect(err.variable).toBe('SEAT_PORT');
      expect(err.message).toMatch(/^SEAT_PORT /);
      expect(err.message).toContain(`"${raw.trim()}"`);
      expect(err.message).not.toContain('\n');
    },
  );

  it.each([
    ['SEAT_HOST', 'not a host'],
    ['SEAT_HOST', 'evil.example/x'],
    ['SEAT_HOST', '127.0.0.1:4100'],
    ['HUB_URL', 'ftp://hub'],
    ['HUB_URL', 'hub:4000'],
    ['LOG_LEVEL', 'loud'],
    ['SEAT_ALLOWED_ORIGINS', 'http://localhost:5173/app'],
    ['SEAT_ALLOWED_ORIGINS', 'localhost:5173'],
    ['SEAT_ALLOWED_ORIGINS', 'http://ok.example,file:///etc'],
    ['SEAT_DATA_DIR', 'a\0b'],
  ])('refuses %s=%j naming the variable', (variable, raw) => {
    expect(failure({ [variable]: raw }).variable).toBe(variable);
  });

  it('takes IPv6 and host names, and normalises the extra origins', () => {
    expect(readSeatConfig({ SEAT_HOST: '[::1]' }, cwd).host).toBe('::1');
    expect(readSeatConfig({ SEAT_HOST: '0.0.0.0' }, cwd).host).toBe('0.0.0.0');
    expect(readSeatConfig({ SEAT_HOST: 'seat-07.lan' }, cwd).host).toBe('seat-07.lan');
    const origins = ' http://LocalHost:5173/ , ,https://desk.example:443 ';
    expect(readSeatConfig({ SEAT_ALLOWED_ORIGINS: origins }, cwd).allowedOrigins).toEqual([
      'http://localhost:5173',
      'https://desk.example',
    ]);
  });
});
