// Open311 GeoReport v2: every endpoint in JSON and XML, JSON checked against the Open311 JSON schemas (open311/schema-validation,
// kept outside the repository in shared/data/open311), keys issued and revoked, errors in the spec's shape, nothing written
// on a refused report, and the reporter never shown.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { before, describe, test } from 'node:test';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import type { LightMyRequestResponse } from 'fastify';
import { eachDatabase, type Requester, signIn } from '../testing/harness.ts';
import { escapeXml, toXml } from './xml.ts';

const SCHEMA_DIR = [process.env.OPEN311_SCHEMA_DIR, resolve(import.meta.dirname, '../../../shared/data/open311'), '/work/shared/data/open311'].find(
  (d) => d && existsSync(resolve(d, 'request.json')),
);
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats.default(ajv);
if (SCHEMA_DIR) {
  for (const name of ['service', 'services', 'service-definition', 'request', 'requests']) {
    ajv.addSchema(JSON.parse(readFileSync(resolve(SCHEMA_DIR, `${name}.json`), 'utf8')), `${name}.json`);
  }
}
/** Validates against the named Open311 schema (skipped, with a note, where the schemas are not on this machine). */
function valid(schema: string, body: unknown) {
  if (!SCHEMA_DIR) return;
  const validate = ajv.getSchema(`${schema}.json`);
  assert.ok(validate, schema);
  assert.ok(validate(body), `${schema}: ${JSON.stringify(validate.errors)} in ${JSON.stringify(body).slice(0, 500)}`);
}

const CAN_THO = { minLat: 9.2, maxLat: 10.45, minLong: 105.2, maxLong: 106.4 };
const form = (fields: Record<string, string>) => ({
  payload: new URLSearchParams(fields).toString(),
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
});
const isXml = (res: LightMyRequestResponse) => {
  assert.match(String(res.headers['content-type']), /^text\/xml/);
  assert.match(res.body, /^<\?xml version="1.0" encoding="utf-8"\?>\n</);
};

test('the Open311 schemas are loaded and refuse a wrong request', (t) => {
  if (!SCHEMA_DIR) return t.skip('Open311 schemas not found: set OPEN311_SCHEMA_DIR');
  assert.equal(ajv.getSchema('requests.json')?.([{ service_request_id: 'x', status: 'pending', service_code: 'a', requested_datetime: 'hôm qua' }]), false);
});

describe('the XML writer', () => {
  test('escapes markup and keeps Vietnamese text', () => {
    assert.equal(escapeXml('Đường <Trần Hưng Đạo> & "phố" \'cổ\''), 'Đường &lt;Trần Hưng Đạo&gt; &amp; &quot;phố&quot; &apos;cổ&apos;');
    // Decomposed input comes out composed; characters XML forbids are dropped.
    assert.equal(escapeXml('Hue\u0302\u0301\u0001\uFFFE'), 'Huế');
  });
  test('writes lists, nested wrappers, repeated and empty elements', () => {
    assert.equal(
      toXml('services', [{ service_code: 'a&b', group: null, metadata: false }], 'service'),
      '<?xml version="1.0" encoding="utf-8"?>\n<services><service><service_code>a&amp;b</service_code><group/><metadata>false</metadata></service></services>',
    );
    assert.equal(
      toXml('discovery', { endpoints: { endpoint: [{ formats: { format: ['text/xml', 'application/json'] } }] } }),
      '<?xml version="1.0" encoding="utf-8"?>\n<discovery><endpoints><endpoint><formats><format>text/xml</format><format>application/json</format></formats></endpoint></endpoints></discovery>',
    );
    assert.equal(toXml('errors', [], 'error'), '<?xml version="1.0" encoding="utf-8"?>\n<errors></errors>');
  });
});

eachDatabase('open311', { demo: true }, (ctx) => {
  let sysadmin: Requester;
  let operator: Requester;
  let key: string;
  let keyId: string;
  const count = async () => (await ctx.db.query('SELECT count(*)::int AS n FROM feedback_cases'))[0].n as number;
  const get = (url: string) => ctx.app.inject({ url: `/open311/v2/${url}` });
  const post = (format: 'json' | 'xml', fields: Record<string, string>) =>
    ctx.app.inject({ method: 'POST', url: `/open311/v2/requests.${format}`, ...form(fields) });
  const report = (extra: Record<string, string> = {}) => ({
    api_key: key,
    service_code: 'environment',
    lat: '10.0452',
    long: '105.7846',
    description: 'Rác thải <đổ> bừa bãi & bốc mùi ở đầu hẻm 51 đường Trần Văn Khéo',
    first_name: 'Lê',
    last_name: 'Thị Hoa',
    phone: '0987654321',
    email: 'hoa.open311@example.vn',
    'attribute[size]': 'lớn',
    ...extra,
  });
  const specError = (res: LightMyRequestResponse, code: number) => {
    assert.equal(res.statusCode, code, res.body);
    const body = res.json();
    assert.ok(Array.isArray(body) && body.length === 1, res.body);
    assert.equal(body[0].code, code);
    assert.equal(typeof body[0].description, 'string');
  };

  before(async () => {
    sysadmin = await signIn(ctx.app, 'admin');
    operator = await signIn(ctx.app, 'motcua.tt');
    const set = await sysadmin({ method: 'PUT', url: '/api/v1/admin/feedback-settings', payload: { bbox: CAN_THO } });
    assert.equal(set.statusCode, 200, set.body);
  });

  test('keys: a system administrator issues one (shown once, kept as a hash); others may not', async () => {
    const denied = await operator({ method: 'POST', url: '/api/v1/admin/open311-keys', payload: { name: 'Ứng dụng thử' } });
    assert.equal(denied.statusCode, 403, denied.body);
    const res = await sysadmin({ method: 'POST', url: '/api/v1/admin/open311-keys', payload: { name: 'Ứng dụng Cần Thơ số' } });
    assert.equal(res.statusCode, 201, res.body);
    ({ key, id: keyId } = res.json());
    assert.match(key, /^o311_/);
    const [row] = await ctx.db.query('SELECT key_hash FROM open311_api_keys WHERE id = $1', [keyId]);
    assert.notEqual(row.key_hash, key);
    const list = await sysadmin({ url: '/api/v1/admin/open311-keys' });
    assert.equal(list.statusCode, 200);
    assert.ok(!list.body.includes(key) && !list.body.includes(row.key_hash));
    assert.equal(list.json().items[0].name, 'Ứng dụng Cần Thơ số');
  });

  test('discovery and services, JSON and XML', async () => {
    const discovery = await get('discovery.json');
    assert.equal(discovery.statusCode, 200);
    assert.deepEqual(discovery.json().endpoints[0].formats, ['application/json', 'text/xml']);
    const dx = await get('discovery.xml');
    isXml(dx);
    assert.match(dx.body, /<endpoints><endpoint><specification>http:\/\/wiki.open311.org\/GeoReport_v2<\/specification>/);

    const services = await get('services.json');
    assert.equal(services.statusCode, 200);
    valid('services', services.json());
    const environment = services.json().find((s: { service_code: string }) => s.service_code === 'environment');
    assert.deepEqual(
      { name: environment.service_name, type: environment.type, metadata: environment.metadata, keywords: environment.keywords },
      { name: 'Môi trường', type: 'realtime', metadata: false, keywords: 'moi truong' },
    );
    const sx = await get('services.xml');
    isXml(sx);
    assert.match(sx.body, /<service><service_code>environment<\/service_code><service_name>Môi trường<\/service_name>/);

    const def = await get('services/environment.json');
    assert.equal(def.statusCode, 200);
    valid('service-definition', def.json());
    assert.deepEqual(def.json(), { service_code: 'environment', attributes: [] });
    const defx = await get('services/environment.xml');
    isXml(defx);
    assert.match(defx.body, /<service_definition><service_code>environment<\/service_code><attributes><\/attributes><\/service_definition>/);
    specError(await get('services/khong_co.json'), 404);
    const missing = await get('services/khong_co.xml');
    assert.equal(missing.statusCode, 404);
    isXml(missing);
    assert.match(missing.body, /<errors><error><code>404<\/code><description>[^<]+<\/description><\/error><\/errors>/);
  });

  test('POST without a key, with a wrong one: 403 in the spec shape, nothing written', async () => {
    const before = await count();
    const { api_key: _, ...noKey } = report();
    specError(await post('json', noKey), 403);
    specError(await post('json', report({ api_key: 'o311_wrong' })), 403);
    const x = await post('xml', noKey);
    assert.equal(x.statusCode, 403);
    isXml(x);
    assert.match(x.body, /<errors><error><code>403<\/code><description>.+<\/description><\/error><\/errors>/);
    assert.equal(await count(), before);
  });

  test('bad reports: 400 in the spec shape, nothing written', async () => {
    const before = await count();
    specError(await post('json', report({ lat: '21.03', long: '105.85' })), 400); // Hà Nội, outside Cần Thơ
    specError(await post('json', report({ service_code: 'khong_co' })), 400);
    specError(await post('json', report({ lat: 'abc' })), 400);
    specError(await post('json', report({ description: '<script>alert(1)</script> rác thải' })), 400);
    const { lat: _lat, long: _long, ...noPlace } = report();
    specError(await post('json', noPlace), 400);
    // media_url: an http(s) link, never fetched; anything else is refused in the spec's shape.
    for (const bad of [
      'javascript:alert(1)',
      'file:///etc/passwd',
      'ftp://example.vn/a.jpg',
      'https://user:pw@example.vn/a.jpg',
      'anh.jpg',
      `https://example.vn/${'a'.repeat(2000)}`,
    ]) {
      const res = await post('json', report({ media_url: bad }));
      specError(res, 400);
      assert.match(res.json()[0].description, /media_url|dài quá/, bad);
    }
    const x = await post('xml', report({ service_code: 'khong_co' }));
    assert.equal(x.statusCode, 400);
    assert.match(x.body, /<errors><error><code>400<\/code>/);
    assert.equal(await count(), before);
  });

  let code: string;
  let token: string;
  const MEDIA_URL = 'https://fixmystreet.example.vn/photo/1234.jpeg';
  test('POST with a key creates a case on the open311 channel that the operators see; the token gives its id', async () => {
    const res = await post('json', report({ media_url: MEDIA_URL }));
    assert.equal(res.statusCode, 201, res.body);
    [{ service_request_id: code, token }] = res.json();
    assert.match(code, /^PA-\d{6}-\d{4}$/);
    const ops = await operator({ url: '/api/v1/feedback?status=received' });
    assert.equal(ops.statusCode, 200, ops.body);
    const item = ops.json().items.find((i: { code: string }) => i.code === code);
    assert.ok(item, ops.body);
    assert.equal(item.channel, 'open311');
    const one = await operator({ url: `/api/v1/feedback/${item.id}` });
    assert.equal(one.json().reporter.name, 'Lê Thị Hoa');
    assert.equal(one.json().text, report().description);
    assert.equal(one.json().mediaUrl, MEDIA_URL, 'the link is shown to the operators, not fetched');
    const [{ n: media }] = await ctx.db.query('SELECT count(*)::int AS n FROM feedback_media m JOIN feedback_cases f ON f.id = m.case_id WHERE f.code = $1', [
      code,
    ]);
    assert.equal(media, 0);

    const x = await post('xml', report({ address_string: 'Hẻm 51 Trần Văn Khéo', lat: '', long: '' }));
    assert.equal(x.statusCode, 201, x.body);
    isXml(x);
    assert.match(x.body, /<service_requests><request><service_request_id>PA-\d{6}-\d{4}<\/service_request_id><token>[0-9a-f-]{36}<\/token>/);

    const t = await get(`tokens/${token}.json`);
    assert.equal(t.statusCode, 200);
    assert.deepEqual(t.json(), [{ service_request_id: code, token }]);
    const tx = await get(`tokens/${token}.xml`);
    isXml(tx);
    assert.ok(tx.body.includes(`<service_request_id>${code}</service_request_id>`));
    specError(await get('tokens/00000000-0000-4000-8000-000000000000.json'), 404);
  });

  test('requests: open without the report before publication, closed with the published answer after; never the reporter', async () => {
    const open = await get(`requests/${code}.json`);
    assert.equal(open.statusCode, 200, open.body);
    valid('requests', open.json());
    assert.deepEqual(
      { status: open.json()[0].status, description: open.json()[0].description, lat: open.json()[0].lat },
      { status: 'open', description: null, lat: null },
    );
    assert.equal(open.json()[0].media_url, null, 'the link only once the case is published');

    // The handling itself is the feedback module's (tested there); here the case is published directly.
    const answer = 'Đội quản lý trật tự đô thị đã thu gom rác & xử phạt người đổ <trái phép>.';
    await ctx.db.query(
      `UPDATE feedback_cases SET status = 'published', published_answer = $2, published_at = now(), closed_at = now(), updated_at = now() WHERE code = $1`,
      [code, answer],
    );
    const [{ id }] = await ctx.db.query('SELECT id FROM feedback_cases WHERE code = $1', [code]);
    await ctx.db.query(
      `INSERT INTO feedback_events (case_id, action, from_status, to_status, actor_kind, public) VALUES ($1, 'publish', 'approved', 'published', 'staff', true)`,
      [id],
    );

    const closed = await get(`requests/${code}.json`);
    valid('requests', closed.json());
    const r = closed.json()[0];
    assert.deepEqual(
      { status: r.status, notes: r.status_notes, service_code: r.service_code, lat: r.lat, description: r.description },
      { status: 'closed', notes: answer, service_code: 'environment', lat: 10.0452, description: report().description },
    );
    assert.equal(r.media_url, MEDIA_URL);
    const x = await get(`requests/${code}.xml`);
    isXml(x);
    assert.ok(x.body.includes('<status_notes>Đội quản lý trật tự đô thị đã thu gom rác &amp; xử phạt người đổ &lt;trái phép&gt;.</status_notes>'), x.body);
    specError(await get('requests/PA-000000-0000.json'), 404);

    const all = await get('requests.json');
    assert.equal(all.statusCode, 200);
    valid('requests', all.json());
    assert.ok(all.json().some((q: { service_request_id: string }) => q.service_request_id === code));
    const filtered = async (query: string) => (await get(`requests.json?${query}`)).json().map((q: { service_request_id: string }) => q.service_request_id);
    assert.ok((await filtered('status=closed&service_code=environment')).includes(code));
    assert.ok(!(await filtered('status=open')).includes(code));
    assert.ok(!(await filtered('service_code=traffic')).includes(code));
    assert.ok(!(await filtered('end_date=2020-01-01T00:00:00Z')).includes(code));
    assert.deepEqual(await filtered(`service_request_id=${code},PA-000000-0000&status=open`), [code]);
    specError(await get('requests.json?status=pending'), 400);
    specError(await get('requests.json?start_date=hôm-qua'), 400);
    const lx = await get('requests.xml?status=closed');
    isXml(lx);
    assert.ok(lx.body.includes(`<service_request_id>${code}</service_request_id>`));

    for (const res of [open, closed, x, all, lx]) {
      for (const secret of ['Lê Thị Hoa', 'Thị Hoa', '0987654321', 'hoa.open311@example.vn']) assert.ok(!res.body.includes(secret), `${secret} in ${res.body}`);
    }
  });

  test("FixMyStreet's servicerequestupdates: the public steps since a date, JSON and XML", async () => {
    const since = new Date(Date.now() - 3600_000).toISOString();
    const res = await get(`servicerequestupdates.json?start_date=${since}`);
    assert.equal(res.statusCode, 200, res.body);
    const mine = res.json().filter((u: { service_request_id: string }) => u.service_request_id === code);
    assert.deepEqual(
      mine.map((u: { status: string; description: string }) => [u.status, u.description]),
      [
        ['open', 'Tiếp nhận phản ánh'],
        ['closed', 'Đội quản lý trật tự đô thị đã thu gom rác & xử phạt người đổ <trái phép>.'],
      ],
    );
    for (const u of mine) assert.match(u.updated_datetime, /^\d{4}-\d{2}-\d{2}T/);
    const x = await get(`servicerequestupdates.xml?start_date=${since}`);
    isXml(x);
    assert.match(x.body, /<service_request_updates><request_update><update_id>\d+<\/update_id>/);
    specError(await get('servicerequestupdates.json?start_date=2026-12-03&end_date=2026-01-01'), 400);
  });

  test('a revoked key is refused; revoking twice is a 404', async () => {
    const res = await sysadmin({ method: 'POST', url: `/api/v1/admin/open311-keys/${keyId}/revoke` });
    assert.equal(res.statusCode, 200, res.body);
    const before = await count();
    specError(await post('json', report()), 403);
    assert.equal(await count(), before);
    const again = await sysadmin({ method: 'POST', url: `/api/v1/admin/open311-keys/${keyId}/revoke` });
    assert.equal(again.statusCode, 404);
    const operatorRevoke = await operator({ method: 'POST', url: `/api/v1/admin/open311-keys/${keyId}/revoke` });
    assert.equal(operatorRevoke.statusCode, 403);
  });
});
