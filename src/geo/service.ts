// Administrative units (đơn vị hành chính): listing and importing.
import { parse as parseCsv } from 'csv-parse/sync';
import type { Database, Queryable } from '../db/index.ts';
import type { AdminUnitsRow } from '../db/schema.ts';
import { fold, nfc } from '../shared/text.ts';

export type UnitLevel = 'province' | 'district' | 'commune';

export interface UnitRecord {
  code: string;
  level: UnitLevel;
  unitType: string;
  name: string;
  fullName: string;
  nameEn?: string | null;
  provinceCode: string | null;
}

export interface UnitSummary {
  code: string;
  name: string;
  fullName: string;
  level: UnitLevel;
  unitType: string;
  provinceCode: string | null;
}

export async function listUnits(db: Queryable, f: { level?: UnitLevel; province?: string; q?: string }): Promise<UnitSummary[]> {
  const rows = await db.query<Pick<AdminUnitsRow, 'code' | 'name' | 'full_name' | 'level' | 'unit_type' | 'province_code'>>(
    `SELECT code, name, full_name, level, unit_type, province_code FROM admin_units
      WHERE ($1::text IS NULL OR level = $1) AND ($2::text IS NULL OR province_code = $2) AND valid_to IS NULL
      ORDER BY code`,
    [f.level ?? null, f.province ?? null],
  );
  const q = f.q ? fold(f.q) : '';
  return rows
    .filter((r) => !q || fold(r.full_name).includes(q))
    .map((r) => ({ code: r.code, name: r.name, fullName: r.full_name, level: r.level as UnitLevel, unitType: r.unit_type, provinceCode: r.province_code }));
}

export async function unitExists(db: Queryable, code: string): Promise<boolean> {
  return (await db.query('SELECT 1 FROM admin_units WHERE code = $1', [code])).length > 0;
}

// ---- import ------------------------------------------------------------------------------------

/** One input row as read from a file, before validation; `line` locates it for the report. */
export interface RawUnit {
  line: number;
  code?: unknown;
  name?: unknown;
  fullName?: unknown;
  nameEn?: unknown;
  level?: unknown;
  provinceCode?: unknown;
}

export interface ImportReport {
  added: string[];
  changed: string[];
  unchanged: number;
  rejected: { line: number; code: string | null; reason: string }[];
}

const TYPE_PREFIXES: [string, UnitLevel][] = [
  ['Thành phố', 'province'],
  ['Tỉnh', 'province'],
  ['Đặc khu', 'commune'],
  ['Phường', 'commune'],
  ['Xã', 'commune'],
  ['Thị trấn', 'commune'],
  ['Thị xã', 'district'],
  ['Huyện', 'district'],
  ['Quận', 'district'],
];
const LEVEL_WORDS: Record<string, UnitLevel> = {
  province: 'province',
  tinh: 'province',
  'thanh pho': 'province',
  'cap tinh': 'province',
  commune: 'commune',
  xa: 'commune',
  phuong: 'commune',
  'dac khu': 'commune',
  'cap xa': 'commune',
  ward: 'commune',
  district: 'district',
  huyen: 'district',
  quan: 'district',
  'cap huyen': 'district',
};
const CODE_DIGITS: Record<UnitLevel, number> = { province: 2, district: 3, commune: 5 };

/** Splits "Phường Cái Khế" into its type and bare name. */
function splitType(fullName: string): { unitType: string; name: string } | null {
  for (const [prefix] of TYPE_PREFIXES) {
    if (fold(fullName).startsWith(fold(prefix) + ' ')) {
      return { unitType: prefix, name: fullName.slice(prefix.length).trim() };
    }
  }
  return null;
}

/** The JSON format of shared/data/vn-admin-units-*.json: provinces, each with its Wards. */
export function rawUnitsFromJson(text: string): RawUnit[] {
  const data = JSON.parse(text);
  if (!Array.isArray(data)) throw new Error('Tệp JSON phải là một danh sách tỉnh, thành phố.');
  const out: RawUnit[] = [];
  let n = 0;
  for (const p of data) {
    n++;
    out.push({ line: n, code: p?.Code, name: p?.Name, fullName: p?.FullName, nameEn: p?.NameEn, level: 'province' });
    for (const w of Array.isArray(p?.Wards) ? p.Wards : []) {
      n++;
      out.push({ line: n, code: w?.Code, name: w?.Name, fullName: w?.FullName, nameEn: w?.NameEn, level: 'commune', provinceCode: w?.ProvinceCode ?? p?.Code });
    }
  }
  return out;
}

/** CSV with columns code, name, level, province_code (a header row is recognised and skipped). */
export function rawUnitsFromCsv(text: string): RawUnit[] {
  const rows: string[][] = parseCsv(text, { relax_column_count: true, skip_empty_lines: true, bom: true, trim: true });
  const out: RawUnit[] = [];
  rows.forEach((r, i) => {
    if (i === 0 && fold(r[0] ?? '') === 'code') return;
    out.push({ line: i + 1, code: r[0], name: r[1], level: r[2], provinceCode: r[3] || null });
  });
  return out;
}

function validate(raw: RawUnit, knownProvinces: Set<string>): UnitRecord | string {
  const code = typeof raw.code === 'string' ? raw.code.trim() : typeof raw.code === 'number' ? String(raw.code) : '';
  const levelWord = typeof raw.level === 'string' ? fold(raw.level) : '';
  const level = LEVEL_WORDS[levelWord];
  if (!level) return `cấp "${String(raw.level ?? '')}" không hợp lệ (province, district hoặc commune)`;
  if (!new RegExp(`^\\d{${CODE_DIGITS[level]}}$`).test(code)) return `mã "${code}" phải gồm ${CODE_DIGITS[level]} chữ số`;
  const given = typeof raw.name === 'string' ? nfc(raw.name) : '';
  if (!given) return 'thiếu tên';
  if (given.length > 100) return 'tên dài quá 100 ký tự';
  const fullGiven = typeof raw.fullName === 'string' ? nfc(raw.fullName) : '';
  // The name may come bare ("Cái Khế", with the full name elsewhere) or full ("Phường Cái Khế").
  const split = splitType(fullGiven || given);
  if (!split) return `không xác định được loại đơn vị từ tên "${fullGiven || given}" (Xã, Phường, Đặc khu, Tỉnh, Thành phố...)`;
  const typeLevel = TYPE_PREFIXES.find(([p]) => p === split.unitType)![1];
  if (typeLevel !== level) return `loại "${split.unitType}" không khớp với cấp ${level}`;
  const name = fullGiven ? given : split.name;
  const fullName = `${split.unitType} ${split.name}`;
  let provinceCode: string | null = null;
  if (level !== 'province') {
    provinceCode = typeof raw.provinceCode === 'string' || typeof raw.provinceCode === 'number' ? String(raw.provinceCode).trim() : '';
    if (!knownProvinces.has(provinceCode)) return `mã tỉnh "${provinceCode}" không tồn tại`;
  }
  const nameEn = typeof raw.nameEn === 'string' ? nfc(raw.nameEn) : null;
  return { code, level, unitType: split.unitType, name, fullName, nameEn, provinceCode };
}

/** Validates every row, writes the valid ones in one statement, and reports what changed. */
export async function importUnits(db: Database, rows: RawUnit[]): Promise<ImportReport> {
  type Existing = Pick<AdminUnitsRow, 'code' | 'level' | 'unit_type' | 'name' | 'full_name' | 'name_en' | 'province_code'>;
  const existing = new Map<string, Existing>();
  for (const r of await db.query<Existing>('SELECT code, level, unit_type, name, full_name, name_en, province_code FROM admin_units')) {
    existing.set(r.code, r);
  }
  const provinces = new Set([...existing.values()].filter((r) => r.level === 'province').map((r) => r.code));
  for (const r of rows) if (typeof r.code === 'string' && fold(String(r.level ?? '')) === 'province') provinces.add(r.code.trim());

  const report: ImportReport = { added: [], changed: [], unchanged: 0, rejected: [] };
  const seen = new Set<string>();
  const writes: UnitRecord[] = [];
  for (const raw of rows) {
    const v = validate(raw, provinces);
    const code = typeof raw.code === 'string' || typeof raw.code === 'number' ? String(raw.code) : null;
    if (typeof v === 'string') {
      report.rejected.push({ line: raw.line, code, reason: v });
      continue;
    }
    if (seen.has(v.code)) {
      report.rejected.push({ line: raw.line, code, reason: `mã "${v.code}" bị trùng trong tệp` });
      continue;
    }
    seen.add(v.code);
    const old = existing.get(v.code);
    if (!old) {
      report.added.push(v.code);
      writes.push(v);
      continue;
    }
    if (old.level !== v.level) {
      report.rejected.push({ line: raw.line, code, reason: `mã "${v.code}" đã có ở cấp ${old.level}` });
      continue;
    }
    const same =
      old.name === v.name &&
      old.full_name === v.fullName &&
      old.unit_type === v.unitType &&
      (old.name_en ?? null) === (v.nameEn ?? null) &&
      old.province_code === v.provinceCode;
    if (same) report.unchanged++;
    else {
      report.changed.push(v.code);
      writes.push(v);
    }
  }
  if (writes.length) {
    // Provinces first, so that the communes' foreign keys hold within the one statement.
    writes.sort((a, b) => (a.level === 'province' ? 0 : 1) - (b.level === 'province' ? 0 : 1));
    await db.transaction(async (tx) => {
      for (const batch of [writes.filter((w) => w.level === 'province'), writes.filter((w) => w.level !== 'province')]) {
        if (!batch.length) continue;
        await tx.query(
          // Districts are history only: that level ended with the two-level local government on 1/7/2025.
          `INSERT INTO admin_units (code, level, unit_type, name, full_name, name_en, province_code, valid_to)
           SELECT code, level, "unitType", name, "fullName", "nameEn", "provinceCode",
                  CASE WHEN level = 'district' THEN DATE '2025-07-01' END
             FROM jsonb_to_recordset($1::jsonb) AS x(code text, level text, "unitType" text, name text, "fullName" text, "nameEn" text, "provinceCode" text)
           ON CONFLICT (code) DO UPDATE SET unit_type = EXCLUDED.unit_type, name = EXCLUDED.name, full_name = EXCLUDED.full_name,
             name_en = EXCLUDED.name_en, province_code = EXCLUDED.province_code, updated_at = now()`,
          [JSON.stringify(batch)],
        );
      }
    });
  }
  return report;
}

/** Reads a file's text as JSON or CSV, by its content. */
export function rawUnitsFromText(text: string): RawUnit[] {
  return /^\s*[[{]/.test(text) ? rawUnitsFromJson(text) : rawUnitsFromCsv(text);
}
