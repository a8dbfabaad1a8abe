import { describe, expect, it } from 'vitest';
import { HUB_PATHS, LoginResponseSchema, SessionTokensSchema } from '../../shared/hub-api.js';
import { ManualClock } from '../clock.js';
import { bearer, login, useFreshHub, type TestHub } from '../testing/fixture.js';

const fresh = useFreshHub();
const MINUTE = 60 * 1000;

function refresh(hub: TestHub, refreshToken: unknown) {
  return hub.app.inject({
    method: 'POST',
    url: HUB_PATHS.sessionRefresh,
    payload: { refreshToken },
  });
}

async function kbAs(hub: TestHub, token: string): Promise<number> {
  const res = await hub.app.inject({
    method: 'GET',
    url: `${HUB_PATHS.kbSearch}?q=公积金`,
    headers: bearer(token),
  });
  return res.statusCode;
}

describe('session renewal and sign-out', () => {
  it('renews every 14 minutes through a 12-hour shift, then asks for the password', async () => {
    const clock = new ManualClock(Date.parse('2026-12-03T00:00:00Z'));
    const hub = await fresh.open({ clock });
    let tokens = LoginResponseSchema.parse(await login(hub.app));
    let renewals = 0;
    for (;;) {
      clock.advance(14 * MINUTE);
      const res = await refresh(hub, tokens.refreshToken);
      if (res.statusCode !== 200) {
        expect(res.statusCode).toBe(401);
        break;
      }
      const next = SessionTokensSchema.parse(res.json());
      expect(next.token).not.toBe(tokens.token);
      expect(next.shiftEndsAt).toBe('2026-12-03T12:00:00.000Z');
      expect(await kbAs(hub, next.token)).toBe(200);
      tokens = { ...tokens, ...next };
      renewals += 1;
    }
    // 12 h / 14 min: renewals until the shift's end; none reaches past it.
    expect(renewals).toBe(Math.floor((12 * 60) / 14));
    expect(clock.now()).toBeGreaterThan(Date.parse('2026-12-03T12:00:00Z'));
    expect(await kbAs(hub, tokens.token)).toBe(401);
  });

  it('shortens the last bearer token to the end of the shift', async () => {
    const clock = new ManualClock(Date.parse('2026-12-03T00:00:00Z'));
    const hub = await fresh.open({ clock });
    const { refreshToken } = await login(hub.app);
    clock.advance(12 * 60 * MINUTE - 5 * MINUTE);
    const last = SessionTokensSchema.parse((await refresh(hub, refreshToken)).json());
    expect(last.expiresIn).toBe(5 * 60);
    clock.advance(5 * MINUTE);
    expect(await kbAs(hub, last.token)).toBe(401);
  });

  it('accepts each refresh token once', async () => {
    const hub = await fresh.open();
    const { refreshToken } = await login(hub.app);
    const first = await refresh(hub, refreshToken);
    expect(first.statusCode).toBe(200);
    const again = await refresh(hub, refreshToken);
    expect(again.statusCode).toBe(401);
    expect(again.json()).toMatchObject({ error: { code: 'unauthorized' } });
  });

  it('keeps the two kinds of token apart', async () => {
    const hub = await fresh.open();
    const { token, refreshToken } = await login(hub.app);
    expect(await kbAs(hub, refreshToken)).toBe(401);
    expect((await refresh(hub, token)).statusCode).toBe(401);
  });

  it('refuses a malformed refresh body naming the field', async () => {
    const hub = await fresh.open();
    for (const payload of [{}, { refreshToken: 'short' }, { refreshToken: 5 }]) {
      const res = await hub.app.inject({ method: 'POST', url: HUB_PATHS.sessionRefresh, payload });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ error: { field: 'refreshToken' } });
    }
  });

  it('signs out: the bearer and refresh token stop working, other sessions go on', async () => {
    const hub = await fresh.open();
    const mine = await login(hub.app);
    const other = await login(hub.app, 'agent02', '1002');
    const res = await hub.app.inject({
      method: 'POST',
      url: HUB_PATHS.logout,
      headers: bearer(mine.token),
      payload: { refreshToken: mine.refreshToken },
    });
    expect(res.statusCode).toBe(200);
    expect(await kbAs(hub, mine.token)).toBe(401);
    expect((await refresh(hub, mine.refreshToken)).statusCode).toBe(401);
    expect(await kbAs(hub, other.token)).toBe(200);
  });

  it('signs out everywhere when no refresh token is given', async () => {
    const hub = await fresh.open();
    const seatA = await login(hub.app);
    const seatB = await login(hub.app);
    const res = await hub.app.inject({
      method: 'POST',
      url: HUB_PATHS.logout,
      headers: bearer(seatA.token),
      payload: {},
    });
    expect(res.statusCode).toBe(200);
    expect(await kbAs(hub, seatB.token)).toBe(401);
    expect((await refresh(hub, seatB.refreshToken)).statusCode).toBe(401);
  });

  it('does not let one account revoke another account’s refresh token', async () => {
    const hub = await fresh.open();
    const mine = await login(hub.app);
    const other = await login(hub.app, 'agent02', '1002');
    await hub.app.inject({
      method: 'POST',
      url: HUB_PATHS.logout,
      headers: bearer(mine.token),
      payload: { refreshToken: other.refreshToken },
    });
    expect((await refresh(hub, other.refreshToken)).statusCode).toBe(200);
  });
});
