import assert from 'node:assert/strict';
import { test } from 'node:test';
import { citizenSignIn, eachDatabase } from '../testing/harness.ts';
import { FREE_PROCEDURE, submitOnline, toReturned } from '../payments/testkit.ts';
import { satisfactionStats } from './service.ts';

eachDatabase('satisfaction ratings', { demo: true }, (ctx) => {
  const binh = { idNumber: '092190077777', name: 'Lê Văn Bình' };
  const rate = (who: Awaited<ReturnType<typeof citizenSignIn>>, id: string, payload: Record<string, unknown>) =>
    who({ method: 'POST', url: `/api/v1/dossiers/${id}/rating`, payload });

  test("only after the result is returned, only by the dossier's citizen, only once; the dashboard counts it", async () => {
    const citizen = await citizenSignIn(ctx.app, binh.idNumber, binh.name);
    const open = await submitOnline(ctx, citizen, FREE_PROCEDURE, binh);
    const early = await rate(citizen, open.id, { level: 5, reasons: ['Cán bộ hướng dẫn tận tình'] });
    assert.equal(early.statusCode, 409);
    assert.equal(early.json().code, 'NOT_RETURNED');

    const from = new Date(Date.now() - 60_000);
    const before = await satisfactionStats(ctx.db, { from, to: new Date(Date.now() + 3600_000) });
    const d = await toReturned(ctx, citizen, binh);
    const stranger = await citizenSignIn(ctx.app, '092190066666', 'Người Khác');
    assert.equal((await rate(stranger, d.id, { level: 1, reasons: [] })).statusCode, 404);
    assert.equal((await rate(citizen, d.id, { level: 6, reasons: [] })).statusCode, 400);
    const first = await rate(citizen, d.id, { level: 4, reasons: ['Đúng hẹn', 'Thủ tục đơn giản'], comment: 'Nhận kết quả trực tuyến rất tiện.' });
    assert.equal(first.statusCode, 201, first.body);
    assert.equal(first.json().levelName, 'Hài lòng');
    const second = await rate(citizen, d.id, { level: 1, reasons: ['Đổi ý'] });
    assert.equal(second.statusCode, 409);
    assert.equal(second.json().code, 'ALREADY_RATED');
    assert.equal((await citizen({ url: `/api/v1/dossiers/${d.id}/rating` })).json().rating.level, 4, 'the first rating stands');

    const after = await satisfactionStats(ctx.db, { from, to: new Date(Date.now() + 3600_000) });
    assert.equal(after.ratings - before.ratings, 1);
    assert.equal(after.satisfied - before.satisfied, 1);
    const dossier = (await citizen({ url: `/api/v1/dossiers/${d.id}` })).json();
    assert.equal((await satisfactionStats(ctx.db, { from, to: new Date(Date.now() + 3600_000), agencyId: dossier.homeAgencyId })).average, 4);
    assert.equal((await satisfactionStats(ctx.db, { from: new Date(0), to: from })).ratings, 0, 'outside the period');
  });
});
