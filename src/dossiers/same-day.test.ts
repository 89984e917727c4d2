import assert from 'node:assert/strict';
import { test } from 'node:test';
import { agencyIds, eachDatabase, signIn } from '../testing/harness.ts';
import { workingCalendar } from '../calendar/service.ts';

eachDatabase('"trong ngày" procedures', { demo: true }, (ctx) => {
  test('a birth registration received at the counter is due at the close of the day (or the next working day after 15:00), as its page says', async () => {
    const counter = await signIn(ctx.app, 'caikhe.motcua');
    const procedure = (await ctx.app.inject({ url: '/api/v1/procedures/1.001193' })).json();
    assert.deepEqual([procedure.content.processingTime.unit, procedure.content.processingTime.cutoff], ['same_day', '15:00']);
    const res = await counter({
      method: 'POST',
      url: '/api/v1/dossiers',
      payload: {
        procedureId: procedure.id,
        agencyId: (await agencyIds(ctx.db))['H13.102'],
        channel: 'counter',
        files: [],
        applicant: { name: 'Đỗ Thị Hồng', idNumber: '092190007777' },
        formData: {
          hoTenTre: 'Lê Gia Bảo',
          ngaySinh: '2026-11-30',
          gioiTinh: 'Nam',
          noiSinh: 'Bệnh viện Đa khoa Trung ương Cần Thơ',
          hoTenMe: 'Đỗ Thị Hồng',
          soDinhDanhNguoiYeuCau: '092190007777',
        },
      },
    });
    assert.equal(res.statusCode, 201, res.body);
    const d = (await counter({ url: `/api/v1/dossiers/${res.json().id}` })).json();
    const calendar = await workingCalendar(ctx.db);
    const received = new Date(d.receivedAt);
    assert.equal(d.dueAt, calendar.sameDayDue(received, '15:00').toISOString());
    // Whatever the hour the suite runs: never 24 hours of working time later, always at a close of office (17:00).
    assert.equal(new Date(new Date(d.dueAt).getTime() + 7 * 3600_000).toISOString().slice(11, 16), '17:00');
    assert.ok(new Date(d.dueAt).getTime() - received.getTime() < 4 * 86400_000);
  });
});
