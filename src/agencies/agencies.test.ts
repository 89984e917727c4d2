import assert from 'node:assert/strict';
import { test } from 'node:test';
import { agencyIds, eachDatabase, signIn } from '../testing/harness.ts';

eachDatabase('agency Saturday-morning reception', { demo: true }, (ctx) => {
  test('an agency admin sets, reads back and clears its desk Saturday session; invalid ranges are refused', async () => {
    const caikhe = await signIn(ctx.app, 'caikhe.quantri');
    const ids = await agencyIds(ctx.db);
    const url = `/api/v1/admin/agencies/${ids['H13.102']}`;
    const set = await caikhe({ method: 'PATCH', url, payload: { saturdaySession: { start: '07:30', end: '11:30' } } });
    assert.equal(set.statusCode, 200);
    assert.deepEqual(set.json().saturdaySession, { start: '07:30', end: '11:30' });
    const pub = (await ctx.app.inject({ url: '/api/v1/agencies' })).json().items.find((a: any) => a.id === ids['H13.102']);
    assert.deepEqual(pub.saturdaySession, { start: '07:30', end: '11:30' });
    for (const bad of [
      { start: '11:30', end: '07:30' },
      { start: '13:00', end: '16:00' },
      { start: '07:30', end: '25:00' },
      { start: '08:00', end: '08:00' },
    ]) {
      const res = await caikhe({ method: 'PATCH', url, payload: { saturdaySession: bad } });
      assert.equal(res.statusCode, 400, JSON.stringify(bad));
    }
    const cleared = await caikhe({ method: 'PATCH', url, payload: { saturdaySession: null } });
    assert.equal(cleared.json().saturdaySession, null);
  });

  test("another agency's admin cannot set its Saturday session (404)", async () => {
    const caikhe = await signIn(ctx.app, 'caikhe.quantri');
    const ids = await agencyIds(ctx.db);
    const res = await caikhe({
      method: 'PATCH',
      url: `/api/v1/admin/agencies/${ids['H13.101']}`,
      payload: { saturdaySession: { start: '07:30', end: '11:30' } },
    });
    assert.equal(res.statusCode, 404);
    const [row] = await ctx.db.query('SELECT saturday_start FROM agencies WHERE id = $1', [ids['H13.101']]);
    assert.equal(row.saturday_start, null);
  });
});
