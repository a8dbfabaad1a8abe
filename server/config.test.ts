import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('runs on one machine with no variables set', () => {
    expect(loadConfig({})).toEqual({
      host: '127.0.0.1',
      port: 4000,
      dbPath: '.run/hub/hub.sqlite',
      dbUrl: null,
      evapi: { host: '127.0.0.1', port: 8448 },
      sip: { wsUrl: 'ws://127.0.0.1:8080/ws', domain: '127.0.0.1' },
      logLevel: 'info',
      wrapUpS: 30,
      wrapUpQueues: {},
      recording: { dir: '.run/pbx/recordings', retentionDays: 180 },
    });
  });

  it('reads every variable', () => {
    const c = loadConfig({
      HUB_HOST: '0.0.0.0',
      HUB_PORT: '4100',
      HUB_DB: '/tmp/x.sqlite',
      KAMAILIO_EVAPI: '[::1]:9000',
      SIP_WS_URL: 'wss://pbx.example/ws',
      SIP_DOMAIN: 'pbx.example',
      LOG_LEVEL: 'debug',
    });
    expect(c.port).toBe(4100);
    expect(c.evapi).toEqual({ host: '::1', port: 9000 });
    expect(c.sip.wsUrl).toBe('wss://pbx.example/ws');
  });

  it.each([
    ['HUB_PORT', 'abc'],
    ['HUB_PORT', '70000'],
    ['KAMAILIO_EVAPI', '127.0.0.1'],
    ['KAMAILIO_EVAPI', '127.0.0.1:0'],
    ['SIP_WS_URL', 'http://127.0.0.1:8080/ws'],
    ['SIP_WS_URL', 'not a url'],
    ['LOG_LEVEL', 'loud'],
    ['HUB_HOST', 'two words'],
    ['HUB_DB_URL', 'mysql://db/hotline'],
    ['HUB_DB_URL', 'postgres://127.0.0.1:5432'],
    ['HUB_WRAP_UP_S', '601'],
    ['HUB_WRAP_UP_S', '-1'],
    ['HUB_WRAP_UP_S', '2.5'],
    ['HUB_WRAP_UP_S', '30s'],
    ['HUB_WRAP_UP_QUEUES', 'sign-language'],
    ['HUB_WRAP_UP_QUEUES', 'sign-language=120,'],
    ['HUB_WRAP_UP_QUEUES', 'sign-language=2m'],
    ['HUB_WRAP_UP_QUEUES', 'psychological=601'],
    ['HUB_WRAP_UP_QUEUES', 'Sign Language=60'],
    ['HUB_WRAP_UP_QUEUES', 'talent=60,talent=90'],
  ])('names %s when it is "%s"', (variable, value) => {
    let error: unknown;
    try {
      loadConfig({ [variable]: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(variable);
    expect((error as Error).message).toContain(variable);
  });

  it('takes HUB_PORT=0 as any free port, and says so when the port is bad', () => {
    expect(loadConfig({ HUB_PORT: '0' }).port).toBe(0);
    expect(() => loadConfig({ HUB_PORT: '70000' })).toThrow(
      'HUB_PORT must be a TCP port number (0-65535, 0 = any free port), got "70000"',
    );
  });

  it('does not offer port 0 where the hub connects out', () => {
    expect(() => loadConfig({ KAMAILIO_EVAPI: '127.0.0.1:0' })).toThrow(
      'KAMAILIO_EVAPI must be a TCP port number (1-65535), got "0"',
    );
  });

  it('picks PostgreSQL with HUB_DB_URL, and hides its password when refusing it', () => {
    const url = 'postgres://hub:secret@10.0.0.5:5432/hotline';
    expect(loadConfig({ HUB_DB_URL: url }).dbUrl).toBe(url);
    expect(() => loadConfig({ HUB_DB_URL: 'pg://hub:secret@10.0.0.5/hotline' })).toThrow(
      /HUB_DB_URL must be a PostgreSQL URL with a database.*got "pg:\/\/hub:\*\*\*@10/,
    );
  });

  it('takes the wrap-up time in whole seconds from 0 to 600', () => {
    expect(loadConfig({ HUB_WRAP_UP_S: '0' }).wrapUpS).toBe(0);
    expect(loadConfig({ HUB_WRAP_UP_S: '45' }).wrapUpS).toBe(45);
    expect(loadConfig({ HUB_WRAP_UP_S: '600' }).wrapUpS).toBe(600);
  });

  it('reads per-queue wrap-up lengths and names the bad part of a wrong list', () => {
    expect(
      loadConfig({ HUB_WRAP_UP_QUEUES: 'sign-language=120, psychological = 180' }).wrapUpQueues,
    ).toEqual({ 'sign-language': 120, psychological: 180 });
    expect(() => loadConfig({ HUB_WRAP_UP_QUEUES: 'general=30,psychological=9000' })).toThrow(
      'HUB_WRAP_UP_QUEUES gives the queue psychological "9000": it must be whole seconds ' +
        'from 0 to 600',
    );
    expect(() => loadConfig({ HUB_WRAP_UP_QUEUES: 'general:30' })).toThrow(
      'must be queue=seconds pairs separated by commas',
    );
    expect(() => loadConfig({ HUB_WRAP_UP_QUEUES: 'talent=60,talent=90' })).toThrow(
      'HUB_WRAP_UP_QUEUES names the queue talent twice',
    );
    expect(() => loadConfig({ HUB_WRAP_UP_S: '900' })).toThrow(
      'HUB_WRAP_UP_S must be whole seconds from 0 to 600, got "900"',
    );
  });

  it('reads the recording directory and retention, and refuses a retention out of range', () => {
    expect(
      loadConfig({ HUB_RECORDING_DIR: '/var/spool/rtpengine', HUB_RECORDING_RETENTION_DAYS: '30' })
        .recording,
    ).toEqual({ dir: '/var/spool/rtpengine', retentionDays: 30 });
    for (const bad of ['0', '3651', '1.5', 'half a year', '-3']) {
      expect(() => loadConfig({ HUB_RECORDING_RETENTION_DAYS: bad })).toThrow(
        `HUB_RECORDING_RETENTION_DAYS must be whole days from 1 to 3650, got "${bad}"`,
      );
    }
  });
});
