// Open data: each CKAN action answered in CKAN's envelope with its documented parameters (package_search's q without
// diacritics, fq, sort, rows/start paging, facet.field with search_facets counted over every match), CKAN's error
// types and status codes, the DCAT catalogue, and a resource that downloads as the CSV the portal links to.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { InjectOptions } from 'fastify';
import { eachDatabase } from '../testing/harness.ts';

const NAMES = ['phan-anh-kien-nghi', 'thong-ke-dich-vu-cong', 'thu-tuc-hanh-chinh'];

eachDatabase('open data (CKAN action API, DCAT)', { demo: true }, (ctx) => {
  const call = async (action: string, query: Record<string, string> = {}, opts: Partial<InjectOptions> = {}) => {
    const res = await ctx.app.inject({ method: 'GET', url: `/api/3/action/${action}?${new URLSearchParams(query)}`, ...opts });
    const body = res.json();
    assert.equal(body.help, `http://localhost:3000/api/3/action/help_show?name=${action}`);
    return { status: res.statusCode, body };
  };
  const ok = async (action: string, query: Record<string, string> = {}) => {
    const { status, body } = await call(action, query);
    assert.equal(status, 200, JSON.stringify(body));
    assert.equal(body.success, true);
    return body.result;
  };
  const names = (r: { results: { name: string }[] }) => r.results.map((x) => x.name);

  test('package_list lists the dataset names in order, paged by limit and offset', async () => {
    assert.deepEqual(await ok('package_list'), NAMES);
    assert.deepEqual(await ok('package_list', { limit: '1', offset: '1' }), ['thong-ke-dich-vu-cong']);
  });

  test('package_show and resource_show by name or id; Not Found Error 404 and Validation Error 409 in the envelope', async () => {
    const pkg = await ok('package_show', { id: 'thu-tuc-hanh-chinh' });
    assert.equal(pkg.title, 'Danh mục thủ tục hành chính');
    assert.equal(pkg.organization.title, 'Ủy ban nhân dân Thành phố Cần Thơ');
    assert.deepEqual(
      pkg.resources.map((r: any) => r.format),
      ['CSV', 'JSON'],
    );
    assert.equal(pkg.num_resources, 2);
    assert.equal((await ok('package_show', { id: pkg.id })).name, 'thu-tuc-hanh-chinh');
    assert.deepEqual(await ok('resource_show', { id: pkg.resources[1].id }), pkg.resources[1]);

    const missing = await call('package_show', { id: 'khong-co' });
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.body.error, { __type: 'Not Found Error', message: 'Not found' });
    assert.equal(missing.body.success, false);
    assert.equal((await call('resource_show', { id: 'khong-co' })).status, 404);
    const noId = await call('package_show');
    assert.equal(noId.status, 409);
    assert.equal(noId.body.error.__type, 'Validation Error');
    assert.deepEqual(noId.body.error.id, ['Missing value']);
    const unknown = await call('package_delete', { id: 'thu-tuc-hanh-chinh' });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.error.message, 'Action name not known: package_delete');
    // Names of built-in object members are names like any other: unknown, never run nor a server error.
    for (const name of ['constructor', '__proto__', 'toString']) assert.equal((await call(name)).status, 400, name);
    for (const params of <Record<string, string>[]>[
      { fq: '__proto__:x' },
      { fq: 'constructor:x' },
      { sort: '__proto__ asc' },
      { 'facet.field': '["constructor"]' },
    ]) {
      const res = await call('package_search', params);
      assert.equal(res.status, 409, JSON.stringify(params));
      assert.equal(res.body.error.__type, 'Validation Error');
    }
  });

  test('package_search: q without diacritics, fq, sort, rows and start, facets over every match', async () => {
    const all = await ok('package_search');
    assert.equal(all.count, 3);
    assert.equal(all.sort, 'score desc, metadata_modified desc');
    assert.deepEqual(all.search_facets, {});

    // Paging: rows and start over the sorted matches; count is every match, not the page.
    const page = await ok('package_search', { sort: 'name asc', rows: '1', start: '1' });
    assert.deepEqual([page.count, names(page)], [3, ['thong-ke-dich-vu-cong']]);
    assert.deepEqual(names(await ok('package_search', { sort: 'name desc', rows: '2' })), ['thu-tuc-hanh-chinh', 'thong-ke-dich-vu-cong']);
    assert.deepEqual(names(await ok('package_search', { sort: 'name asc', start: '3' })), []);
    assert.equal((await ok('package_search', { rows: '5000' })).results.length, 3); // above rows_max (1000): capped, not refused

    // q folds case and diacritics: "phan anh" finds "Phản ánh".
    assert.deepEqual(names(await ok('package_search', { q: 'PHAN anh' })), ['phan-anh-kien-nghi']);
    assert.deepEqual(names(await ok('package_search', { q: 'thủ tục', sort: 'name asc' })), ['thong-ke-dich-vu-cong', 'thu-tuc-hanh-chinh']);
    assert.equal((await ok('package_search', { q: '*:*' })).count, 3);

    // Facets count all matches (not only the page), with facet.limit and facet.mincount.
    const faceted = await ok('package_search', { 'facet.field': '["res_format","tags"]', rows: '1' });
    assert.equal(faceted.results.length, 1);
    assert.deepEqual(faceted.search_facets.res_format, {
      title: 'res_format',
      items: [
        { name: 'CSV', display_name: 'CSV', count: 3 },
        { name: 'JSON', display_name: 'JSON', count: 3 },
      ],
    });
    assert.deepEqual(faceted.facets.res_format, { CSV: 3, JSON: 3 });
    assert.equal(faceted.facets.tags['dịch vụ công'], 2);
    const top = await ok('package_search', { 'facet.field': '["tags"]', 'facet.limit': '1', 'facet.mincount': '2' });
    assert.deepEqual(top.search_facets.tags.items, [{ name: 'dịch vụ công', display_name: 'dịch vụ công', count: 2 }]);

    // fq: field:value terms (quoted for spaces), all of which must hold; a leading - excludes.
    assert.deepEqual(names(await ok('package_search', { fq: 'tags:"phản ánh kiến nghị"' })), ['phan-anh-kien-nghi']);
    assert.equal((await ok('package_search', { fq: 'tags:"dịch vụ công" -name:thu-tuc-hanh-chinh' })).count, 1);
    assert.equal((await ok('package_search', { fq: 'res_format:CSV organization:uy-ban-nhan-dan-thanh-pho-can-tho' })).count, 3);

    // The same search posted as a JSON body, as CKAN clients do.
    const posted = await ctx.app.inject({ method: 'POST', url: '/api/3/action/package_search', payload: { q: 'thong ke', rows: 5 } });
    assert.deepEqual(names(posted.json().result), ['thong-ke-dich-vu-cong']);

    for (const [param, value] of [
      ['rows', 'abc'],
      ['start', '-1'],
      ['sort', 'color asc'],
      ['facet.field', 'tags'],
      ['fq', 'colour:red'],
    ]) {
      const bad = await call('package_search', { [param]: value });
      assert.equal(bad.status, 409, `${param}=${value}`);
      assert.equal(bad.body.error.__type, 'Validation Error');
      assert.ok(Array.isArray(bad.body.error[param]), `${param} named`);
    }
  });

  test('organization_list names the publisher; all_fields gives its dictionary', async () => {
    assert.deepEqual(await ok('organization_list'), ['uy-ban-nhan-dan-thanh-pho-can-tho']);
    const [org] = await ok('organization_list', { all_fields: 'true' });
    assert.deepEqual([org.name, org.display_name, org.package_count], ['uy-ban-nhan-dan-thanh-pho-can-tho', 'Ủy ban nhân dân Thành phố Cần Thơ', 3]);
  });

  let csvUrl: string;
  before(async () => {
    const pkg = (await ctx.app.inject({ url: '/api/3/action/package_show?id=thu-tuc-hanh-chinh' })).json().result;
    csvUrl = pkg.resources.find((r: any) => r.format === 'CSV').url;
  });

  test('the catalogue resource downloads as CSV with the rows of its JSON and its schema; the portal links the same file', async () => {
    const path = new URL(csvUrl).pathname;
    assert.equal(path, '/api/v1/open-data/thu-tuc-hanh-chinh/thu-tuc.csv');
    const csv = await ctx.app.inject({ url: path });
    assert.equal(csv.statusCode, 200);
    assert.match(String(csv.headers['content-type']), /^text\/csv/);
    const lines = csv.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    const json = (await ctx.app.inject({ url: path.replace(/\.csv$/, '.json') })).json();
    assert.deepEqual(
      lines[0].split(','),
      json.schema.fields.map((f: any) => f.name),
    );
    assert.equal(lines.length - 1, json.data.length);
    const published = (await ctx.app.inject({ url: '/api/v1/procedures?pageSize=100' })).json();
    assert.equal(json.data.length, published.total);
    assert.ok(json.data.length > 30);
    const first = json.data[0];
    assert.ok(lines[1].startsWith(`${first.code},${first.name.includes(',') ? `"${first.name}"` : first.name},`));
    assert.deepEqual((await ctx.app.inject({ url: path.replace(/\.csv$/, '.schema.json') })).json(), json.schema);
    assert.equal((await ctx.app.inject({ url: '/api/v1/open-data/thu-tuc-hanh-chinh/khong-co.csv' })).statusCode, 404);
    // Published feedback: no reporter, address or position among the columns.
    const feedback = (await ctx.app.inject({ url: '/api/v1/open-data/phan-anh-kien-nghi/phan-anh.schema.json' })).json();
    assert.ok(!feedback.fields.some((f: any) => /reporter|phone|email|address|lat|long/.test(f.name)));
  });

  test('the DCAT catalogue lists every dataset with its distributions', async () => {
    const res = await ctx.app.inject({ url: '/catalog.jsonld' });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^application\/ld\+json/);
    const cat = res.json();
    assert.equal(cat['@type'], 'dcat:Catalog');
    assert.deepEqual(cat['dcat:dataset'].map((d: any) => d['dct:title']).length, 3);
    const procedures = cat['dcat:dataset'].find((d: any) => d['dct:title'] === 'Danh mục thủ tục hành chính');
    assert.deepEqual(
      procedures['dcat:distribution'].map((d: any) => d['dcat:downloadURL']['@id']),
      [csvUrl, csvUrl.replace(/\.csv$/, '.json')],
    );
  });
});
