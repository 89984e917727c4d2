// CKAN-compatible read actions over the open datasets (CKAN's action API: package_list, package_show, package_search,
// organization_list, resource_show) and the DCAT catalogue. Errors are CkanError, which the routes put in CKAN's
// envelope with CKAN's status codes (Not Found Error 404, Validation Error 409).
import { createHash } from 'node:crypto';
import type { Queryable } from '../db/index.ts';
import { listAgencies } from '../agencies/service.ts';
import { fold } from '../shared/text.ts';
import { DATASETS, type DatasetDefinition, type Table } from './datasets.ts';

export class CkanError extends Error {
  constructor(
    readonly status: 400 | 404 | 409,
    readonly type: 'Not Found Error' | 'Validation Error' | 'Bad request',
    message: string,
    /** Validation errors per parameter, as CKAN lists them beside the message. */
    readonly fields: Record<string, string[]> = {},
  ) {
    super(message);
  }
}
const notFound = () => new CkanError(404, 'Not Found Error', 'Not found');
const invalid = (field: string, message: string) => new CkanError(409, 'Validation Error', message, { [field]: [message] });

/** When the datasets were first published; they are live views, so "modified" is the time they are read. */
const CREATED = '2026-12-03T00:00:00.000000';
const LICENSE = { id: 'cc-by', title: 'Creative Commons Attribution', url: 'http://www.opendefinition.org/licenses/cc-by' };

/** A stable UUID from a name (CKAN's ids are UUIDs; ours never change for the same dataset or resource). */
function uuidOf(name: string) {
  const h = createHash('sha1').update(`congso:opendata:${name}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
const slug = (s: string) =>
  fold(s)
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

/** The publisher: the province's top agency, as CKAN's one organization. */
async function organization(db: Queryable) {
  const root = (await listAgencies(db, null)).find((a) => a.parentId === null);
  const title = root?.name ?? 'Ủy ban nhân dân tỉnh';
  return { id: root?.id ?? uuidOf('organization'), name: slug(title), title, type: 'organization', state: 'active', is_organization: true, description: '' };
}
type Organization = Awaited<ReturnType<typeof organization>>;

export const fileUrl = (base: string, dataset: string, table: string, ext: 'csv' | 'json' | 'schema.json') =>
  `${base}/api/v1/open-data/${dataset}/${table}.${ext}`;

function resourcesOf(base: string, d: DatasetDefinition) {
  return d.tables.flatMap((t, i) =>
    (['CSV', 'JSON'] as const).map((format, j) => ({
      id: uuidOf(`${d.name}/${t.name}.${format}`),
      package_id: uuidOf(d.name),
      name: `${t.title} (${format})`,
      description: t.description,
      format,
      mimetype: format === 'CSV' ? 'text/csv' : 'application/json',
      url: fileUrl(base, d.name, t.name, format === 'CSV' ? 'csv' : 'json'),
      schema: fileUrl(base, d.name, t.name, 'schema.json'),
      position: i * 2 + j,
      state: 'active',
      created: CREATED,
      last_modified: null,
      url_type: null,
    })),
  );
}

function packageOf(base: string, org: Organization, d: DatasetDefinition, now: string) {
  const resources = resourcesOf(base, d);
  return {
    id: uuidOf(d.name),
    name: d.name,
    title: d.title,
    notes: d.notes,
    type: 'dataset',
    state: 'active',
    private: false,
    license_id: LICENSE.id,
    license_title: LICENSE.title,
    license_url: LICENSE.url,
    metadata_created: CREATED,
    metadata_modified: now,
    maintainer: org.title,
    author: org.title,
    url: `${base}/du-lieu-mo#${d.name}`,
    version: null,
    owner_org: org.id,
    organization: org,
    frequency: d.frequency,
    tags: d.tags.map((t) => ({ id: uuidOf(`tag:${t}`), name: t, display_name: t, state: 'active', vocabulary_id: null })),
    groups: [],
    extras: [],
    num_tags: d.tags.length,
    num_resources: resources.length,
    resources,
  };
}
export type Package = ReturnType<typeof packageOf>;

async function packages(db: Queryable, base: string) {
  const org = await organization(db);
  const now = new Date().toISOString().replace('Z', '');
  return DATASETS.map((d) => packageOf(base, org, d, now));
}

type Params = Record<string, unknown>;
const str = (p: Params, k: string) => (p[k] === undefined || p[k] === null ? undefined : String(p[k]));

function integer(p: Params, k: string, dflt: number, min: number): number {
  const v = str(p, k);
  if (v === undefined || v === '') return dflt;
  if (!/^-?\d+$/.test(v.trim())) throw invalid(k, 'Invalid integer');
  const n = Number(v);
  if (n < min) throw invalid(k, `Must be a natural number${min > 0 ? ' greater than zero' : ''}`);
  return n;
}

export function packageList(p: Params) {
  const limit = p.limit === undefined ? undefined : integer(p, 'limit', 0, 0);
  const offset = integer(p, 'offset', 0, 0);
  const names = DATASETS.map((d) => d.name).sort();
  return names.slice(offset, limit === undefined ? undefined : offset + limit);
}

function requireId(p: Params) {
  const id = str(p, 'id');
  if (!id) throw invalid('id', 'Missing value');
  return id;
}

export async function packageShow(db: Queryable, base: string, p: Params) {
  const id = requireId(p);
  const found = (await packages(db, base)).find((x) => x.id === id || x.name === id);
  if (!found) throw notFound();
  return found;
}

export async function resourceShow(db: Queryable, base: string, p: Params) {
  const id = requireId(p);
  const found = (await packages(db, base)).flatMap((x) => x.resources).find((r) => r.id === id);
  if (!found) throw notFound();
  return found;
}

export async function organizationList(db: Queryable, p: Params) {
  const org = await organization(db);
  const allFields = ['true', '1', 'yes'].includes((str(p, 'all_fields') ?? '').toLowerCase());
  return allFields ? [{ ...org, display_name: org.title, package_count: DATASETS.length }] : [org.name];
}

// ---- package_search ------------------------------------------------------------------------------

/** The fields fq filters and facets count, with each dataset's values for them. */
const FACETS: Record<string, { title: string; values: (x: Package) => string[] }> = {
  tags: { title: 'Từ khóa', values: (x) => x.tags.map((t) => t.name) },
  organization: { title: 'Tổ chức', values: (x) => [x.organization.name] },
  res_format: { title: 'Định dạng', values: (x) => [...new Set(x.resources.map((r) => r.format))] },
  license_id: { title: 'Giấy phép', values: (x) => [x.license_id] },
  name: { title: 'Tên', values: (x) => [x.name] },
};
const SORTS: Record<string, (x: Package) => string | number> = {
  score: () => 0,
  name: (x) => x.name,
  title_string: (x) => fold(x.title),
  metadata_modified: (x) => x.metadata_modified,
  metadata_created: (x) => x.metadata_created,
  num_resources: (x) => x.num_resources,
};
export const ROWS_MAX = 1000;

/** fq as Solr terms: `field:value` or `field:"a value"`, all of which must hold (a leading - negates). */
function parseFq(fq: string) {
  const terms: { field: string; value: string; negate: boolean }[] = [];
  const re = /(-?)([a-z_]+):(?:"((?:[^"\\]|\\.)*)"|(\S+))/gy;
  const rest = fq.trim();
  let at = 0;
  while (at < rest.length) {
    if (/\s/.test(rest[at])) {
      at++;
      continue;
    }
    re.lastIndex = at;
    const m = re.exec(rest);
    if (!m) throw invalid('fq', `Cannot parse fq near "${rest.slice(at, at + 30)}"`);
    if (!Object.hasOwn(FACETS, m[2])) throw invalid('fq', `Unknown field "${m[2]}" (known: ${Object.keys(FACETS).join(', ')})`);
    terms.push({ field: m[2], value: (m[3] ?? m[4]).replace(/\\(.)/g, '$1'), negate: m[1] === '-' });
    at = re.lastIndex;
  }
  return terms;
}

function parseSort(sort: string) {
  return sort.split(',').map((part) => {
    const [field, dir = 'asc', extra] = part.trim().split(/\s+/);
    if (!Object.hasOwn(SORTS, field) || !['asc', 'desc'].includes(dir) || extra) throw invalid('sort', `Invalid sort "${part.trim()}"`);
    return { key: SORTS[field], desc: dir === 'desc' };
  });
}

function facetFields(p: Params): string[] {
  const raw = p['facet.field'];
  if (raw === undefined) return [];
  let list: unknown = raw;
  if (typeof raw === 'string') {
    try {
      list = JSON.parse(raw);
    } catch {
      throw invalid('facet.field', 'facet.field must be a JSON list of field names');
    }
  }
  if (!Array.isArray(list) || !list.every((x) => typeof x === 'string')) throw invalid('facet.field', 'facet.field must be a JSON list of field names');
  const unknown = list.find((x) => !Object.hasOwn(FACETS, x));
  if (unknown) throw invalid('facet.field', `Unknown facet field "${unknown}"`);
  return list;
}

/**
 * package_search as CKAN documents it: q (words, without diacritics; `*:*` or empty = all), fq, sort (default
 * `score desc, metadata_modified desc`), rows (default 10, at most 1000), start, facet.field with facet.limit
 * (default 50, -1 = all) and facet.mincount (default 1); facets count every match, not just the page.
 */
export async function packageSearch(db: Queryable, base: string, p: Params) {
  const q = (str(p, 'q') ?? '').trim();
  const rows = Math.min(integer(p, 'rows', 10, 0), ROWS_MAX);
  const start = integer(p, 'start', 0, 0);
  const terms = parseFq(str(p, 'fq') ?? '');
  const sortText = str(p, 'sort') || 'score desc, metadata_modified desc';
  const sorts = parseSort(sortText);
  const fields = facetFields(p);
  const facetLimit = integer(p, 'facet.limit', 50, -1);
  const facetMin = integer(p, 'facet.mincount', 1, 0);
  const withFacets = (str(p, 'facet') ?? 'true') !== 'false';

  const words = q === '' || q === '*:*' ? [] : fold(q).split(/\s+/).filter(Boolean);
  const matches = (await packages(db, base)).filter((x) => {
    const text = fold([x.name, x.title, x.notes, ...x.tags.map((t) => t.name), x.organization.title, ...x.resources.map((r) => r.name)].join(' '));
    if (!words.every((w) => text.includes(w))) return false;
    return terms.every((t) => FACETS[t.field].values(x).some((v) => fold(v) === fold(t.value)) !== t.negate);
  });
  // q's relevance: how often the words occur in the title and notes (our stand-in for Solr's score).
  const score = (x: Package) => words.reduce((n, w) => n + fold(`${x.title} ${x.title} ${x.notes}`).split(w).length - 1, 0);
  const sorted = [...matches].sort((a, b) => {
    for (const s of sorts) {
      const [ka, kb] = s.key === SORTS.score ? [score(a), score(b)] : [s.key(a), s.key(b)];
      if (ka !== kb) return (ka < kb ? -1 : 1) * (s.desc ? -1 : 1);
    }
    return a.name.localeCompare(b.name);
  });

  const facets: Record<string, Record<string, number>> = {};
  const searchFacets: Record<string, { title: string; items: { name: string; display_name: string; count: number }[] }> = {};
  if (withFacets)
    for (const field of fields) {
      const counts = new Map<string, number>();
      for (const x of matches) for (const v of FACETS[field].values(x)) counts.set(v, (counts.get(v) ?? 0) + 1);
      const items = [...counts]
        .filter(([, n]) => n >= facetMin)
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .slice(0, facetLimit < 0 ? undefined : facetLimit);
      facets[field] = Object.fromEntries(items);
      searchFacets[field] = { title: field, items: items.map(([name, count]) => ({ name, display_name: name, count })) };
    }
  return { count: matches.length, facets, results: sorted.slice(start, start + rows), sort: sortText, search_facets: searchFacets };
}

// ---- files and DCAT ------------------------------------------------------------------------------

export const tableOf = (dataset: string, table: string): Table | undefined => DATASETS.find((d) => d.name === dataset)?.tables.find((x) => x.name === table);

/** The Frictionless table schema of a resource. */
export const tableSchema = (t: Table) => ({ fields: t.fields.map((x) => ({ name: x.name, title: x.title, type: x.type })), missingValues: [''] });

/** The DCAT catalogue (JSON-LD, DCAT-AP terms): every dataset with its CSV and JSON distributions. */
export async function dcatCatalog(db: Queryable, base: string) {
  const all = await packages(db, base);
  const org = all[0]?.organization;
  return {
    '@context': {
      dcat: 'http://www.w3.org/ns/dcat#',
      dct: 'http://purl.org/dc/terms/',
      foaf: 'http://xmlns.com/foaf/0.1/',
      xsd: 'http://www.w3.org/2001/XMLSchema#',
    },
    '@id': `${base}/catalog.jsonld`,
    '@type': 'dcat:Catalog',
    'dct:title': 'Dữ liệu mở của tỉnh',
    'dct:description': 'Danh mục dữ liệu mở trên Cổng dịch vụ công của tỉnh (tương thích CKAN: /api/3/action).',
    'dct:language': 'vi',
    'dct:publisher': org && { '@type': 'foaf:Organization', 'foaf:name': org.title },
    'foaf:homepage': { '@id': `${base}/du-lieu-mo` },
    'dcat:dataset': all.map((x) => ({
      '@id': `${base}/api/3/action/package_show?id=${x.name}`,
      '@type': 'dcat:Dataset',
      'dct:identifier': x.id,
      'dct:title': x.title,
      'dct:description': x.notes,
      'dcat:keyword': x.tags.map((t) => t.name),
      'dct:issued': { '@value': x.metadata_created, '@type': 'xsd:dateTime' },
      'dct:modified': { '@value': x.metadata_modified, '@type': 'xsd:dateTime' },
      'dct:accrualPeriodicity': x.frequency,
      'dct:publisher': { '@type': 'foaf:Organization', 'foaf:name': x.organization.title },
      'dcat:landingPage': { '@id': x.url },
      'dcat:distribution': x.resources.map((r) => ({
        '@id': `${base}/api/3/action/resource_show?id=${r.id}`,
        '@type': 'dcat:Distribution',
        'dct:title': r.name,
        'dct:description': r.description,
        'dcat:accessURL': { '@id': r.url },
        'dcat:downloadURL': { '@id': r.url },
        'dcat:mediaType': r.mimetype,
        'dct:format': r.format,
        'dct:license': { '@id': LICENSE.url },
        'dct:conformsTo': { '@id': r.schema },
      })),
    })),
  };
}
