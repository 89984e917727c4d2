// The demo province, Thành phố Cần Thơ: its communes, a handful of departments and commune People's Committees,
// staff in every role, and the published procedure catalogue. Loaded only into an empty database. Every role a
// demo procedure's workflow names has an account in the agencies the workflow passes through (src/demo/walk.test.ts
// walks each procedure with them): a department's sub-units (kind 'unit') act for it, and liên thông steps name the
// codes of agencies below.
import { readFileSync, existsSync } from 'node:fs';
import type { Database } from '../db/index.ts';
import { importUnits, rawUnitsFromJson } from '../geo/service.ts';
import { createAgency, type AgencyKind } from '../agencies/service.ts';
import { createUser } from '../identity/service.ts';
import { createProcedure, publishProcedure } from '../catalog/service.ts';
import type { Role } from '../shared/actor.ts';

const here = (f: string) => new URL(f, import.meta.url);
export const DEMO_PASSWORD = 'Congso@2026';
export const DEMO_PROVINCE = '92';

interface AgencySpec {
  key: string;
  code: string;
  name: string;
  kind: AgencyKind;
  parent?: string;
  unitCode?: string;
  /** Ký hiệu in the notations of its documents (Decree 30 Phụ lục I). */
  abbreviation?: string;
  staff?: [username: string, fullName: string, roles: Role[]][];
}

const COMMUNES: [key: string, code: string, name: string][] = [
  ['ninhkieu', 'H13.101', 'Phường Ninh Kiều'],
  ['caikhe', 'H13.102', 'Phường Cái Khế'],
  ['cairang', 'H13.103', 'Phường Cái Răng'],
  ['phongdien', 'H13.104', 'Xã Phong Điền'],
];

function agencies(communeCodes: Map<string, string>): AgencySpec[] {
  const province = 'ubnd';
  const list: AgencySpec[] = [
    {
      key: province,
      code: 'H13',
      name: 'Ủy ban nhân dân Thành phố Cần Thơ',
      kind: 'province_committee',
      unitCode: DEMO_PROVINCE,
      abbreviation: 'UBND',
      staff: [
        ['admin', 'Nguyễn Văn Quản', ['system_admin']],
        ['lanhdao.ubnd', 'Trần Thị Thu Hà', ['agency_leader']],
        ['ioc', 'Lê Minh Giám', ['ioc_viewer']],
      ],
    },
    {
      key: 'ttpvhcc',
      code: 'H13.10',
      name: 'Trung tâm Phục vụ hành chính công thành phố Cần Thơ',
      kind: 'unit',
      parent: province,
      staff: [
        ['motcua.tt', 'Phạm Thị Ngọc Lan', ['counter_officer']],
        ['motcua.tt2', 'Võ Thanh Tùng', ['counter_officer']],
      ],
    },
    {
      key: 'stp',
      code: 'H13.11',
      name: 'Sở Tư pháp',
      kind: 'department',
      parent: province,
      abbreviation: 'STP',
      staff: [
        ['stp.quantri', 'Huỳnh Văn Toàn', ['agency_admin']],
        ['stp.lanhdao', 'Đặng Thị Kim Oanh', ['agency_leader']],
        ['stp.vanthu', 'Lê Thị Thanh Thảo', ['clerk']],
      ],
    },
    {
      key: 'stp.hctp',
      code: 'H13.11.1',
      name: 'Phòng Hành chính tư pháp',
      kind: 'unit',
      abbreviation: 'HCTP',
      parent: 'stp',
      staff: [
        ['stp.truongphong', 'Ngô Quốc Bảo', ['unit_leader']],
        ['stp.chuyenvien', 'Lý Thị Mỹ Duyên', ['specialist']],
      ],
    },
    {
      key: 'sxd',
      code: 'H13.12',
      name: 'Sở Xây dựng',
      kind: 'department',
      parent: province,
      staff: [
        ['sxd.lanhdao', 'Trương Công Minh', ['agency_leader']],
        ['sxd.chuyenvien', 'Bùi Văn Khải', ['specialist']],
      ],
    },
    {
      key: 'stc',
      code: 'H13.13',
      name: 'Sở Tài chính',
      kind: 'department',
      parent: province,
      staff: [
        ['stc.lanhdao', 'Đoàn Thị Hồng Nhung', ['agency_leader']],
        ['stc.chuyenvien', 'Châu Minh Triết', ['specialist']],
      ],
    },
    // The business registration office: its head signs enterprise registrations.
    {
      key: 'stc.dkkd',
      code: 'H13.13.1',
      name: 'Phòng Đăng ký kinh doanh',
      kind: 'unit',
      parent: 'stc',
      staff: [['stc.truongphong', 'Phan Thị Kim Loan', ['unit_leader']]],
    },
    {
      key: 'snnmt',
      code: 'H13.14',
      name: 'Sở Nông nghiệp và Môi trường',
      kind: 'department',
      parent: province,
      abbreviation: 'SNNMT',
      staff: [
        ['snnmt.lanhdao', 'Lâm Văn Phúc', ['agency_leader']],
        ['snnmt.quantri', 'Tạ Thị Bích', ['agency_admin']],
      ],
    },
    {
      key: 'vpdkdd',
      code: 'H13.14.1',
      name: 'Văn phòng Đăng ký đất đai',
      kind: 'unit',
      parent: 'snnmt',
      abbreviation: 'VPĐKĐĐ',
      staff: [
        ['vpdkdd.chuyenvien', 'Hồ Thị Thanh Tâm', ['specialist']],
        ['vpdkdd.giamdoc', 'Mai Văn Đức', ['unit_leader']],
      ],
    },
    // Văn thư of the department: registers what arrives, numbers and seals what it issues.
    {
      key: 'snnmt.vp',
      code: 'H13.14.2',
      name: 'Văn phòng Sở',
      kind: 'unit',
      parent: 'snnmt',
      abbreviation: 'VP',
      staff: [
        ['snnmt.vanthu', 'Nguyễn Thị Diệu Hiền', ['clerk']],
        ['snnmt.chanhvanphong', 'Trần Quốc Khánh', ['unit_leader']],
      ],
    },
    { key: 'sct', code: 'H13.15', name: 'Sở Công Thương', kind: 'department', parent: province, staff: [['sct.chuyenvien', 'Dương Ngọc Hân', ['specialist']]] },
    {
      key: 'syt',
      code: 'H13.16',
      name: 'Sở Y tế',
      kind: 'department',
      parent: province,
      staff: [
        ['syt.chuyenvien', 'Kiều Văn Sang', ['specialist']],
        ['syt.lanhdao', 'Quách Thị Diễm', ['agency_leader']],
      ],
    },
    // Leads the on-site inspection for food-safety certificates.
    {
      key: 'syt.attp',
      code: 'H13.16.1',
      name: 'Chi cục An toàn vệ sinh thực phẩm',
      kind: 'unit',
      parent: 'syt',
      staff: [['syt.chicuc', 'Lưu Văn Hiếu', ['unit_leader']]],
    },
    // Người có công (liên thông from the communes), labour permits.
    {
      key: 'snv',
      code: 'H13.17',
      name: 'Sở Nội vụ',
      kind: 'department',
      parent: province,
      staff: [
        ['snv.chuyenvien', 'Thái Thị Mỹ Linh', ['specialist']],
        ['snv.lanhdao', 'Nguyễn Hoàng Nam', ['agency_leader']],
      ],
    },
    // Not a provincial department but listed with them, as provincial one-stop systems do: criminal-record checks
    // for the Sở Tư pháp's judicial record certificates (liên thông).
    { key: 'catp', code: 'H13.18', name: 'Công an thành phố Cần Thơ', kind: 'department', parent: province },
    {
      key: 'catp.hoso',
      code: 'H13.18.1',
      name: 'Phòng Hồ sơ nghiệp vụ',
      kind: 'unit',
      parent: 'catp',
      staff: [['catp.hoso', 'Trịnh Quốc Việt', ['specialist']]],
    },
  ];
  for (const [key, code, name] of COMMUNES) {
    list.push({
      key,
      code,
      name: `Ủy ban nhân dân ${name}`,
      kind: 'commune_committee',
      parent: province,
      unitCode: communeCodes.get(name),
      abbreviation: 'UBND',
      staff: [
        [`${key}.motcua`, `Cán bộ một cửa ${name}`, ['counter_officer']],
        [`${key}.chuyenvien`, `Công chức tư pháp - hộ tịch ${name}`, ['specialist']],
        [`${key}.lanhdao`, `Chủ tịch UBND ${name}`, ['agency_leader']],
        [`${key}.quantri`, `Quản trị ${name}`, ['agency_admin']],
      ],
    });
    // The commune's business registration office (household businesses); a ward's also covers infrastructure.
    const office = name.startsWith('Phường') ? 'Phòng Kinh tế, Hạ tầng và Đô thị' : 'Phòng Kinh tế';
    list.push({
      key: `${key}.kinhte`,
      code: `${code}.2`,
      name: office,
      kind: 'unit',
      parent: key,
      staff: [[`${key}.kinhte`, `Trưởng ${office.charAt(0).toLowerCase()}${office.slice(1)} ${name}`, ['unit_leader']]],
    });
  }
  return list;
}

export interface DemoLogin {
  username: string;
  fullName: string;
  roles: Role[];
  agency: string;
}

const DEMO_EMAIL_DOMAIN = '@demo.congso.vn';

/** The demo accounts present in the database. */
export async function demoLogins(db: Database): Promise<DemoLogin[]> {
  const rows = await db.query(
    `SELECT u.username, u.full_name, u.roles, a.name FROM users u JOIN agencies a ON a.id = u.agency_id
    WHERE u.email LIKE '%' || $1 AND u.active ORDER BY u.created_at, u.username`,
    [DEMO_EMAIL_DOMAIN],
  );
  return rows.map((r) => ({ username: r.username, fullName: r.full_name, roles: r.roles, agency: r.name }));
}

/** Loads the demo province into an empty database; true when it did. */
export async function seedDemo(db: Database): Promise<boolean> {
  const [{ n }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM agencies');
  if (n > 0) return false;
  const communes = JSON.parse(readFileSync(here('./can-tho-communes.json'), 'utf8')) as { Code: string; FullName: string }[];
  await importUnits(
    db,
    rawUnitsFromJson(JSON.stringify([{ Code: DEMO_PROVINCE, Name: 'Cần Thơ', FullName: 'Thành phố Cần Thơ', NameEn: 'Can Tho', Wards: communes }])),
  );
  const communeCodes = new Map(communes.map((c) => [c.FullName, c.Code]));

  const ids = new Map<string, string>();
  let staffCount = 0;
  for (const spec of agencies(communeCodes)) {
    const agency = await createAgency(db, null, {
      code: spec.code,
      name: spec.name,
      kind: spec.kind,
      parentId: spec.parent ? ids.get(spec.parent) : null,
      unitCode: spec.unitCode ?? null,
      legacyCode: `000.00.${spec.code.split('.').slice(1).join('.').padStart(2, '0') || '00'}.H13`,
      abbreviation: spec.abbreviation ?? null,
    });
    ids.set(spec.key, agency.id);
    for (const [username, fullName, roles] of spec.staff ?? []) {
      await createUser(db, null, {
        username,
        password: DEMO_PASSWORD,
        fullName,
        roles,
        agencyId: agency.id,
        email: username + DEMO_EMAIL_DOMAIN,
        phone: `0292 381 ${String(++staffCount).padStart(4, '0')}`,
      });
    }
  }
  const catalogue = here('./procedures.json');
  if (existsSync(catalogue)) {
    for (const content of JSON.parse(readFileSync(catalogue, 'utf8')) as unknown[]) {
      const id = await createProcedure(db, null, ids.get('ubnd')!, content);
      await publishProcedure(db, null, id);
    }
  }
  return true;
}
