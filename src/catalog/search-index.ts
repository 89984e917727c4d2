// Public catalogue search in memory. A national catalogue is about 6,000 procedures: small enough to hold in
// each process, and searching it in memory answers in well under a millisecond where trigram similarity over
// every row takes tens of milliseconds on embedded PostgreSQL. The index is rebuilt from the database whenever
// catalog_revision moves (every catalogue write bumps it in its own transaction). The revision is read at most once
// per REVISION_CHECK_MS, and at once after a catalogue write in this process (catalogueChanged): a change shows at
// once in the process that made it, within REVISION_CHECK_MS in the others sharing the database.
import MiniSearch, { type SearchOptions, type SearchResult } from 'minisearch';
import type { Queryable } from '../db/index.ts';
import { fold } from '../shared/text.ts';
import type { ProcedureContent } from './types.ts';

export interface ProcedureSummary {
  id: string;
  code: string;
  nationalCode: string;
  name: string;
  field: string;
  agencyLevel: string;
  competentAgency: string;
  onlineLevel: string;
  processingTime: ProcedureContent['processingTime'];
  free: boolean;
  version: number;
  status?: string;
  agencyId?: string;
}

export interface SearchFilters {
  q?: string;
  field?: string;
  agencyLevel?: string;
  onlineLevel?: string;
  agency?: string;
  page: number;
  pageSize: number;
}

interface Indexed {
  summary: ProcedureSummary;
  agencyId: string;
  nameFolded: string;
  codeFolded: string;
}
/** A folded phrase citizens say and the folded words the catalogue uses for it. */
interface Synonym {
  phrase: string[];
  meaning: string[];
}

const CODE = /^\d\.\d{6}(\.[0-9a-z]+)*$/;
/** Words of folded text; procedure codes ("1.001193", "1.001193.000.00.00.h13") stay whole. */
const words = (text: string) =>
  fold(text)
    .split(' ')
    .flatMap((w) => (CODE.test(w) ? [w] : w.split('.')))
    .filter(Boolean);
const collator = new Intl.Collator('vi');

/** How long a process trusts its index before reading the revision again (other processes' writes). */
export const REVISION_CHECK_MS = 1000;
/** Moved on by every catalogue write of this process once it has committed. */
let writes = 0;
export function catalogueChanged() {
  writes++;
}

export class PublicCatalogIndex {
  private revision: string | null = null;
  /** When the revision was last read, and the count of this process's writes then. */
  private checkedAt = 0;
  private checkedWrites = -1;
  private checking: Promise<void> = Promise.resolve();
  private loading: Promise<void> | null = null;
  private docs: Indexed[] = [];
  private byId = new Map<string, Indexed>();
  private mini = PublicCatalogIndex.emptyIndex();
  /** Every indexed word: a query word found here is matched exactly, without prefix or typo expansions. */
  private vocabulary = new Set<string>();
  private sortedVocabulary: string[] = [];
  /** Longest phrase first, so "căn cước công dân" wins over a shorter phrase at the same place. */
  private synonyms: Synonym[] = [];

  private static emptyIndex() {
    return new MiniSearch<{ id: string; name: string; code: string; field: string }>({
      fields: ['name', 'code', 'field'],
      tokenize: (text, fieldName) => (fieldName === 'code' ? text.split(' ') : words(text)),
      processTerm: (term) => term,
      searchOptions: { tokenize: words, processTerm: (term) => term },
    });
  }

  async search(db: Queryable, f: SearchFilters) {
    await this.refresh(db);
    const filtered = Boolean(f.field || f.agencyLevel || f.onlineLevel || f.agency);
    const keep = (d: Indexed) =>
      (!f.field || d.summary.field === f.field) &&
      (!f.agencyLevel || d.summary.agencyLevel === f.agencyLevel) &&
      (!f.onlineLevel || d.summary.onlineLevel === f.onlineLevel) &&
      (!f.agency || d.agencyId === f.agency);
    const q = words(f.q ?? '').join(' ');
    const meant = this.rewrite(q);
    let hits = q ? this.rank(meant, filtered ? keep : null) : this.docs.filter(keep);
    // A phrase that is also the catalogue's own wording keeps its literal matches.
    if (q && !hits.length && meant !== q) hits = this.rank(q, filtered ? keep : null);
    const start = (f.page - 1) * f.pageSize;
    return { items: hits.slice(start, start + f.pageSize).map((d) => d.summary), total: hits.length, page: f.page, pageSize: f.pageSize };
  }

  /**
   * Stages, the first that finds anything wins: every query word matches exactly, the last one also as a prefix (the
   * word being typed); then words the catalogue does not know within one edit (4+ letters: "sinhh"); then any word.
   * Fuzzy matching only as a fallback keeps "lĩnh" from counting as "sinh" when the exact words exist. Expanding only
   * the words that need it keeps the work small: a prefix such as "ho" or "xa" alone matches thousands of procedures.
   * Ranked: exact code, exact name, more query words matched, then relevance (BM25 favours short names: "khai sinh"
   * puts "Đăng ký khai sinh" first).
   */
  private rank(q: string, keep: ((d: Indexed) => boolean) | null): Indexed[] {
    const base: SearchOptions = {
      prefix: (term, i, terms) => i === terms.length - 1 && term.length >= 2,
      boost: { code: 5, name: 3, field: 1 },
      ...(keep ? { filter: (r: SearchResult) => keep(this.byId.get(r.id)!) } : {}),
    };
    const fuzzy = (term: string) => (term.length >= 4 && !CODE.test(term) && !this.vocabulary.has(term) ? 1 : false);
    let results: SearchResult[] = [];
    // A stage that cannot find anything is not run: the exact stage when a word (or the last word's prefix) is unknown,
    // the typo stage when it would expand no word.
    const terms = q.split(' ');
    const last = terms[terms.length - 1];
    const exactPossible = terms.slice(0, -1).every((t) => this.vocabulary.has(t)) && (last.length >= 2 ? this.hasPrefix(last) : this.vocabulary.has(last));
    const stages: SearchOptions[] = [
      ...(exactPossible ? [{ combineWith: 'AND' } as const] : []),
      ...(terms.some((t) => fuzzy(t)) ? [{ combineWith: 'AND', fuzzy } as const] : []),
      { combineWith: 'OR', fuzzy },
    ];
    for (const stage of stages) {
      results = this.mini.search(q, { ...base, ...stage });
      if (results.length) break;
    }
    // MiniSearch returns its results by score: a stable bucket pass on (exact code or name, words matched) keeps that
    // order inside each bucket, in one pass over thousands of results instead of a sort.
    const buckets = new Map<number, Indexed[]>();
    for (const r of results) {
      const d = this.byId.get(r.id)!;
      const exact = d.codeFolded === q || d.summary.nationalCode === q ? 2 : d.nameFolded === q ? 1 : 0;
      const key = exact * 1000 + r.queryTerms.length;
      const bucket = buckets.get(key);
      if (bucket) bucket.push(d);
      else buckets.set(key, [d]);
    }
    return [...buckets.keys()].sort((x, y) => y - x).flatMap((k) => buckets.get(k)!);
  }

  /** The query with every synonym phrase replaced by its meaning, scanning left to right, longest phrase first. */
  private rewrite(q: string): string {
    if (!q || !this.synonyms.length) return q;
    const terms = q.split(' ');
    const out: string[] = [];
    for (let i = 0; i < terms.length; ) {
      const s = this.synonyms.find(({ phrase }) => phrase.every((w, j) => terms[i + j] === w));
      if (s) {
        out.push(...s.meaning);
        i += s.phrase.length;
      } else out.push(terms[i++]);
    }
    return out.join(' ');
  }

  /** Whether some indexed word starts with `prefix` (binary search over the sorted words). */
  private hasPrefix(prefix: string): boolean {
    const words = this.sortedVocabulary;
    let lo = 0;
    let hi = words.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (words[mid] < prefix) lo = mid + 1;
      else hi = mid;
    }
    return lo < words.length && words[lo].startsWith(prefix);
  }

  /** The revision check every search waits for: the one under way, or the last one done. */
  private refresh(db: Queryable): Promise<void> {
    const now = Date.now();
    if (writes !== this.checkedWrites || now - this.checkedAt >= REVISION_CHECK_MS) {
      this.checkedWrites = writes;
      this.checkedAt = now;
      this.checking = this.reloadIfMoved(db).catch((err) => {
        this.checkedAt = 0; // the next search tries again
        throw err;
      });
    }
    return this.checking;
  }

  private async reloadIfMoved(db: Queryable) {
    const [{ revision }] = await db.query('SELECT revision::text AS revision FROM catalog_revision');
    // A load of an older revision may be under way: wait for it, then load again.
    while (this.revision === null || BigInt(this.revision) < BigInt(revision)) {
      this.loading ??= this.load(db, revision).finally(() => {
        this.loading = null;
      });
      await this.loading;
    }
  }

  private async load(db: Queryable, revision: string) {
    const rows = await db.query(
      `SELECT p.id, p.code, p.national_code, p.name, p.field, p.agency_level, p.online_level, p.free, p.agency_id,
              p.published_version AS version, v.content->'processingTime' AS processing_time,
              v.content->>'competentAgency' AS competent_agency
         FROM procedures p JOIN procedure_versions v ON v.procedure_id = p.id AND v.version = p.published_version
        WHERE p.status = 'published'`,
    );
    const docs: Indexed[] = rows.map((r) => ({
      summary: {
        id: r.id,
        code: r.code,
        nationalCode: r.national_code,
        name: r.name,
        field: r.field,
        agencyLevel: r.agency_level,
        competentAgency: r.competent_agency,
        onlineLevel: r.online_level,
        processingTime: r.processing_time,
        free: r.free,
        version: r.version,
      },
      agencyId: r.agency_id,
      nameFolded: words(r.name).join(' '),
      codeFolded: fold(r.code),
    }));
    const synonyms = await db.query('SELECT phrase, meaning FROM search_synonyms');
    docs.sort((a, b) => collator.compare(a.summary.name, b.summary.name) || a.summary.code.localeCompare(b.summary.code));
    const mini = PublicCatalogIndex.emptyIndex();
    const indexed = docs.map((d) => ({ id: d.summary.id, name: d.summary.name, code: `${d.codeFolded} ${d.summary.nationalCode}`, field: d.summary.field }));
    mini.addAll(indexed);
    this.vocabulary = new Set(indexed.flatMap((d) => [...words(d.name), ...d.code.split(' '), ...words(d.field)]));
    this.sortedVocabulary = [...this.vocabulary].sort();
    this.synonyms = synonyms
      .map((r) => ({ phrase: words(r.phrase), meaning: words(r.meaning) }))
      .filter((x) => x.phrase.length && x.meaning.length)
      .sort((a, b) => b.phrase.length - a.phrase.length);
    this.docs = docs;
    this.byId = new Map(docs.map((d) => [d.summary.id, d]));
    this.mini = mini;
    this.revision = revision;
  }
}
