import { HUB_PATHS, type LoginResponse } from '../../../shared/hub-api.js';

/**
 * The hub's HTTP API as a test asks it beside the desk: a second agent's or a lead's view,
 * or a route the desk must be refused. Every account of the seed has the same password.
 */
export interface HubClient {
  token: string;
  /** GET or POST (with `body`) as this account; the response as it came. */
  fetch(path: string, body?: unknown): Promise<Response>;
  /** The same, failing on any status but 2xx; the JSON answer. */
  json<T>(path: string, body?: unknown): Promise<T>;
}

/** Signs `account` in at the hub on `extension` (password demo1234). */
export async function hubClient(
  hubUrl: string,
  account: string,
  extension: string,
): Promise<HubClient> {
  const login = await fetch(hubUrl + HUB_PATHS.login, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ account, password: 'demo1234', extension }),
  });
  if (!login.ok) throw new Error(`${account} sign-in: HTTP ${login.status} ${await login.text()}`);
  const { token } = (await login.json()) as LoginResponse;

  const send = (path: string, body?: unknown): Promise<Response> =>
    fetch(hubUrl + path, {
      method: body === undefined ? 'GET' : 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  return {
    token,
    fetch: send,
    async json<T>(path: string, body?: unknown): Promise<T> {
      const res = await send(path, body);
      if (!res.ok) throw new Error(`${account} ${path}: HTTP ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    },
  };
}
