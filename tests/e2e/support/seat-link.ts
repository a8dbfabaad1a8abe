import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pbxConfig, type PbxConfig } from './pbx.js';

const run = promisify(execFile);

/** One binding of Kamailio's location table (usrloc), as `kamcmd ul.lookup` shows it. */
export interface LocationContact {
  address: string;
  /** Seconds left. */
  expires: number;
  /** Where the REGISTER came from (the WebSocket connection), e.g. sip:127.0.0.1:40312;transport=ws. */
  received: string;
  callId: string;
}

/**
 * The contacts Kamailio holds for `aor` (an extension), read over its control socket in
 * the run dir (kamcmd, as scripts/pbx/status does). None when the AoR is not registered.
 */
export async function locationContacts(
  aor: string,
  cfg: PbxConfig = pbxConfig(),
): Promise<LocationContact[]> {
  const ctl = `unix:${join(cfg.runDir, 'kamailio_ctl')}`;
  // `s:` keeps kamcmd from reading an extension as a number; it answers errors on stdout.
  const { stdout, stderr } = await run('kamcmd', ['-s', ctl, 'ul.lookup', 'location', `s:${aor}`]);
  const out = stdout + stderr;
  if (/^error: \d+ - AOR not found/m.test(out)) return [];
  if (/^error:/m.test(out)) throw new Error(`kamcmd ul.lookup location ${aor} failed: ${out}`);
  return out
    .split(/Contact:\s*\{/)
    .slice(1)
    .map((block) => {
      const field = (name: string) => new RegExp(`\\b${name}:\\s*(\\S+)`).exec(block)?.[1] ?? '';
      return {
        address: field('Address'),
        expires: Number(field('Expires')),
        received: field('Received'),
        callId: field('Call-ID'),
      };
    });
}

/**
 * Cuts every TCP connection to the PBX's SIP WebSocket port from outside the browser, as
 * a network fault would: `ss -K` destroys the client-side sockets (the browser gets
 * ECONNABORTED, Kamailio a reset). Run inside the tests' network namespace only: it would
 * cut any client of that port on the machine otherwise. Answers how many were cut.
 */
export async function cutWebSockets(cfg: PbxConfig = pbxConfig()): Promise<number> {
  const { stdout } = await run('ss', ['-K', '-t', '-n', 'dst', `${cfg.wsHost}:${cfg.wsPort}`]);
  return stdout.split('\n').filter((line) => /^ESTAB\b/.test(line.trim())).length;
}

/**
 * Cuts only the WebSocket of one binding: the connection a LocationContact was `received`
 * on (sip:127.0.0.1:40312;transport=ws), so other user agents on the PBX keep theirs. Same
 * caveats as cutWebSockets. Answers how many connections were cut (1, or 0 if it was gone).
 */
export async function cutWebSocketOf(
  received: string,
  cfg: PbxConfig = pbxConfig(),
): Promise<number> {
  const port = /:(\d+)(?:;|$)/.exec(received)?.[1];
  if (!port) throw new Error(`no source port in the binding's received address "${received}"`);
  const { stdout } = await run('ss', [
    '-K',
    '-t',
    '-n',
    'dst',
    `${cfg.wsHost}:${cfg.wsPort}`,
    'sport',
    '=',
    `:${port}`,
  ]);
  return stdout.split('\n').filter((line) => /^ESTAB\b/.test(line.trim())).length;
}
