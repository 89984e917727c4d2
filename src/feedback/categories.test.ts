// The feedback category tree as administrators edit it: add, rename, move, retire; what reporters and operators may
// pick follows at once, and a retired category is refused with its own message and nothing written.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { before, test } from 'node:test';
import { eachDatabase, type Requester, signIn } from '../testing/harness.ts';

interface Category {
  id: string;
  code: string;
  name: string;
  parentId: string | null;
  active: boolean;
}

eachDatabase('feedback categories', { demo: true }, (ctx) => {
  let sysadmin: Requester;
  let agencyAdmin: Requester;
  let operator: Requester;

  before(async () => {
    sysadmin = await signIn(ctx.app, 'admin');
    agencyAdmin = await signIn(ctx.app, 'caikhe.quantri');
    operator = await signIn(ctx.app, 'motcua.tt');
  });

  const create = async (body: Record<string, unknown>, status = 201) => {
    const res = await sysadmin({ method: 'POST', url: '/api/v1/admin/feedback-categories', payload: body });
    assert.equal(res.statusCode, status, res.body);
    return res.json();
  };
  const patch = async (id: string, body: Record<string, unknown>, status = 200) => {
    const res = await sysadmin({ method: 'PATCH', url: `/api/v1/admin/feedback-categories/${id}`, payload: body });
    assert.equal(res.statusCode, status, res.body);
    return res.json();
  };
  const publicTree = async () => ((await operator({ url: '/api/v1/feedback-categories' })).json() as { items: Category[] }).items;
  const count = async (table: string) => (await ctx.db.query(`SELECT count(*)::int AS n FROM ${table}`))[0].n as number;
  const intake = (categoryCode: string) =>
    operator({
      method: 'POST',
      url: '/api/v1/feedback/intake',
      payload: {
        channel: 'phone',
        title: 'Đèn đường hỏng nhiều ngày',
        text: 'Đèn đường trước số 12 không sáng từ tuần trước, buổi tối rất tối.',
        categoryCode,
        address: 'Số 12 đường Hai Bà Trưng',
      },
    });

  test('an administrator adds a category under a parent, renames it and moves it; the public tree follows', async () => {
    const traffic = (await publicTree()).find((c) => c.code === 'traffic')!;
    const lights = await create({ code: 'street_lights', name: 'Đèn chiếu sáng', parentId: traffic.id });
    assert.deepEqual(
      { ...lights, id: undefined },
      {
        id: undefined,
        code: 'street_lights',
        name: 'Đèn chiếu sáng',
        parentId: traffic.id,
        active: true,
        defaultAgencyId: null,
        handlingKind: 'commune_committee',
      },
    );
    assert.equal((await publicTree()).find((c) => c.code === 'street_lights')?.parentId, traffic.id);

    await patch(lights.id, { name: '  Đèn chiếu sáng công cộng ' });
    const urban = (await publicTree()).find((c) => c.code === 'urban_order')!;
    const moved = await patch(lights.id, { parentId: urban.id });
    assert.equal(moved.name, 'Đèn chiếu sáng công cộng');
    assert.equal(moved.parentId, urban.id);
    const top = await patch(lights.id, { parentId: null });
    assert.equal(top.parentId, null);

    const created = await intake('street_lights');
    assert.equal(created.statusCode, 201, 'a report may name the new category at once');
  });

  test('refused with a clear error and nothing changed: a taken code, an unknown parent, a loop, an empty name, not a system administrator', async () => {
    const before = await ctx.db.query('SELECT * FROM feedback_categories ORDER BY id');
    const env = (await publicTree()).find((c) => c.code === 'environment')!;
    const child = await create({ code: 'env_noise', name: 'Tiếng ồn', parentId: env.id });
    assert.equal((await create({ code: 'traffic', name: 'Giao thông 2' }, 409)).code, 'CATEGORY_CODE_TAKEN');
    assert.equal((await create({ code: 'orphan', name: 'Mồ côi', parentId: randomUUID() }, 400)).code, 'UNKNOWN_PARENT');
    const loop = await patch(env.id, { parentId: child.id }, 400);
    assert.equal(loop.code, 'CATEGORY_CYCLE');
    assert.match(loop.message, /chính nó hoặc vào lĩnh vực con/);
    assert.equal((await patch(env.id, { parentId: env.id }, 400)).code, 'CATEGORY_CYCLE');
    assert.equal((await patch(env.id, { name: '   ' }, 400)).code, 'NAME_REQUIRED');
    const retire = await patch(env.id, { active: false }, 400);
    assert.equal(retire.code, 'CATEGORY_HAS_CHILDREN', 'a parent with categories in use is not retired under them');

    for (const who of [agencyAdmin, operator]) {
      const res = await who({ method: 'POST', url: '/api/v1/admin/feedback-categories', payload: { code: 'not_mine', name: 'Không được' } });
      assert.equal(res.statusCode, 403);
      const moved = await who({ method: 'PATCH', url: `/api/v1/admin/feedback-categories/${env.id}`, payload: { name: 'Đổi tên' } });
      assert.equal(moved.statusCode, 403);
    }
    assert.equal((await agencyAdmin({ url: '/api/v1/admin/feedback-categories' })).statusCode, 200, 'administrators read the tree');
    assert.equal((await operator({ url: '/api/v1/admin/feedback-categories' })).statusCode, 403);
    await ctx.db.query(`DELETE FROM feedback_categories WHERE code = 'env_noise'`);
    assert.deepEqual(await ctx.db.query('SELECT * FROM feedback_categories ORDER BY id'), before);
  });

  test('a retired category leaves the public tree, stays in the editor, and is refused at submission and classification', async () => {
    const land = (await publicTree()).find((c) => c.code === 'land')!;
    const intakeBefore = await intake('land');
    assert.equal(intakeBefore.statusCode, 201, intakeBefore.body);
    await patch(land.id, { active: false });
    assert.equal(
      (await publicTree()).some((c) => c.code === 'land'),
      false,
    );
    const all = (await sysadmin({ url: '/api/v1/admin/feedback-categories' })).json().items as Category[];
    assert.equal(all.find((c) => c.code === 'land')?.active, false);

    const cases = await count('feedback_cases');
    const refused = await intake('land');
    assert.equal(refused.statusCode, 400);
    assert.equal(refused.json().code, 'CATEGORY_INACTIVE');
    assert.match(refused.json().message, /Lĩnh vực "Đất đai" đã ngừng sử dụng/);
    assert.equal(await count('feedback_cases'), cases, 'nothing written');

    const earlier = intakeBefore.json().id as string;
    const classify = await operator({ method: 'POST', url: `/api/v1/feedback/${earlier}/actions`, payload: { action: 'classify', categoryCode: 'land' } });
    assert.equal(classify.statusCode, 400);
    assert.equal(classify.json().code, 'CATEGORY_INACTIVE');

    await patch(land.id, { active: true });
    assert.equal((await intake('land')).statusCode, 201, 'used again once reactivated');
  });
});
