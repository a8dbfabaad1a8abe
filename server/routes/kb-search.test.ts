import { describe, expect, it } from 'vitest';
import { HUB_PATHS, KbSearchResponseSchema } from '../../shared/hub-api.js';
import { bearer, useSeededHub } from '../testing/fixture.js';

const seeded = useSeededHub();

async function search(query: string) {
  const res = await seeded.hub.app.inject({
    method: 'GET',
    url: `${HUB_PATHS.kbSearch}?${query}`,
    headers: bearer(seeded.token),
  });
  return { status: res.statusCode, body: res.json() as unknown };
}

describe('GET kb/search', () => {
  it('answers from the seeded KB', async () => {
    const res = await search(`q=${encodeURIComponent('社保卡丢了怎么补办')}&limit=3`);
    expect(res.status).toBe(200);
    const body = KbSearchResponseSchema.parse(res.body);
    expect(body.query).toBe('社保卡丢了怎么补办');
    expect(body.confident).toBe(true);
    expect(body.hits.length).toBeLessThanOrEqual(3);
    expect(body.hits[0]).toMatchObject({ id: 'si-card-reissue', category: 'social-insurance' });
    expect(body.hits[0]?.answer).toContain('12333');
  });

  it('is not confident for stop words only', async () => {
    const body = KbSearchResponseSchema.parse(
      (await search(`q=${encodeURIComponent('怎么办理')}`)).body,
    );
    expect(body).toEqual({ query: '怎么办理', hits: [], confident: false });
  });

  it.each([
    ['', 'q'],
    ['q=', 'q'],
    [`q=${'长'.repeat(201)}`, 'q'],
    ['q=x&limit=0', 'limit'],
    ['q=x&limit=21', 'limit'],
    ['q=x&sort=new', 'sort'],
  ])('refuses ?%s naming %s', async (query, field) => {
    const res = await search(query);
    expect(res.status).toBe(400);
    expect((res.body as { error: { field: string } }).error.field).toBe(field);
  });
});
