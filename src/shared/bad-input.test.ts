// Every endpoint, found from the OpenAPI document, answers bad input with a 4xx { code, message, details }
// in Vietnamese and writes nothing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eachDatabase, signIn } from '../testing/harness.ts';

const VIETNAMESE = /[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]/i;

eachDatabase('bad input on every endpoint', { demo: true }, (ctx) => {
  test('4xx with a machine code and a Vietnamese message, and nothing written', async () => {
    const admin = await signIn(ctx.app, 'admin');
    await ctx.app.ready();
    const spec = (ctx.app as any).swagger() as { paths: Record<string, Record<string, any>> };
    const tables = ['admin_units', 'agencies', 'users', 'procedures', 'procedure_versions'];
    const counts = async () => Promise.all(tables.map(async (t) => (await ctx.db.query(`SELECT count(*)::int AS n FROM ${t}`))[0].n));
    const before = await counts();
    let checked = 0;
    for (const [path, methods] of Object.entries(spec.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        const params = (op.parameters ?? []) as { in: string; name: string; schema: any }[];
        const url = path.replace(/\{(\w+)\}/g, (_: string, name: string) =>
          params.find((p) => p.name === name)?.schema?.format === 'uuid' ? '00000000-0000-4000-8000-000000000000' : 'x');
        const cases: { why: string; url: string; payload?: string; type?: string }[] = [];
        if (path.includes('{id}') && params.some((p) => p.in === 'path' && p.schema?.format === 'uuid')) {
          cases.push({ why: 'malformed id', url: path.replace('{id}', 'khong-phai-uuid') });
        }
        for (const q of params.filter((p) => p.in === 'query')) {
          const bad = q.schema?.enum ? 'khong-hop-le' : q.schema?.type === 'integer' ? '-5' : q.schema?.format === 'uuid' ? 'abc'
            : q.schema?.maxLength ? 'x'.repeat(q.schema.maxLength + 1) : q.schema?.pattern ? '!!' : null;
          if (bad !== null) cases.push({ why: `query ${q.name}`, url: `${url}?${q.name}=${encodeURIComponent(bad)}` });
        }
        cases.push({ why: 'unknown query parameter', url: `${url}?khongCo=1` });
        if (op.requestBody) {
          cases.push({ why: 'malformed JSON', url, payload: '{"a":', type: 'application/json' });
          cases.push({ why: 'wrong body type', url, payload: '[1,2,3]', type: 'application/json' });
          cases.push({ why: 'unknown field', url, payload: JSON.stringify({ khongCo: true }), type: 'application/json' });
          cases.push({ why: 'not JSON', url, payload: 'a=1', type: 'application/x-www-form-urlencoded' });
          cases.push({ why: 'oversized', url, payload: JSON.stringify({ x: 'a'.repeat(21 * 1024 * 1024) }), type: 'application/json' });
        }
        for (const c of cases) {
          // A query parameter check only applies where the route declares its query string.
          if (c.why === 'unknown query parameter' && !params.some((p) => p.in === 'query')) continue;
          const res = await admin({ method: method.toUpperCase() as any, url: c.url, payload: c.payload, headers: c.type ? { 'content-type': c.type } : {} });
          const where = `${method.toUpperCase()} ${path} (${c.why}): ${res.statusCode} ${res.body.slice(0, 200)}`;
          assert.ok(res.statusCode >= 400 && res.statusCode < 500, where);
          const body = res.json();
          assert.equal(typeof body.code, 'string', where);
          assert.match(body.message, VIETNAMESE, where);
          assert.ok('details' in body, where);
          checked++;
        }
      }
    }
    assert.ok(checked > 60, `checked ${checked} bad requests`);
    assert.deepEqual(await counts(), before, 'no bad request wrote anything');
  });

  test('a validation error names the field and says what is wrong, in Vietnamese', async () => {
    const admin = await signIn(ctx.app, 'admin');
    const res = await admin({ method: 'POST', url: '/api/v1/admin/users', payload: { username: 'ab', password: 12345678, fullName: '', roles: ['vua'], agencyId: 'x' } });
    assert.equal(res.statusCode, 400);
    const body = res.json();
    assert.equal(body.code, 'VALIDATION_FAILED');
    const paths = body.details.map((d: any) => d.path);
    for (const p of ['body/username', 'body/password', 'body/fullName', 'body/roles/0', 'body/agencyId']) assert.ok(paths.includes(p), `${p} in ${paths}`);
    assert.match(body.message, /phải có kiểu chuỗi/);
  });
});
