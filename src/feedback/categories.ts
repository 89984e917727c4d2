// The feedback categories (lĩnh vực phản ánh): the public tree, the administrators' editor (add, rename, move under a
// parent, deactivate, reactivate), and the one check every report and classification makes of the category it names.
import type { Queryable } from '../db/index.ts';
import { type Actor, requireAdmin, requireSystemAdmin } from '../shared/actor.ts';
import { badRequest, conflict, notFound } from '../shared/errors.ts';
import { organisationOf } from '../agencies/service.ts';

export interface CategoryInput {
  code: string;
  name: string;
  parentId?: string | null;
}
export interface CategoryPatch {
  name?: string;
  parentId?: string | null;
  active?: boolean;
  /** The agency that usually handles the category (null: none), behind the agencies suggested for assignment. */
  defaultAgencyId?: string | null;
  /** Which level handles it first: the commune's People's Committee, or that agency. */
  handlingKind?: 'commune_committee' | 'department';
}

const view = (r: Record<string, unknown>) => ({
  id: r.id as string,
  code: r.code as string,
  name: r.name as string,
  parentId: (r.parent_id as string | null) ?? null,
  active: r.active as boolean,
  defaultAgencyId: (r.default_agency_id as string | null) ?? null,
  handlingKind: r.handling_kind as 'commune_committee' | 'department',
});
const COLUMNS = 'id, code, name, parent_id, active, default_agency_id, handling_kind';

/** The category a report or a classification names, if it is in use: an unknown and a retired one are told apart. */
export async function activeCategoryId(tx: Queryable, code: string): Promise<string> {
  const [cat] = await tx.query('SELECT id, name, active FROM feedback_categories WHERE code = $1', [code]);
  if (!cat) throw badRequest('UNKNOWN_CATEGORY', `Không có lĩnh vực phản ánh mã "${code}".`);
  if (!cat.active) throw badRequest('CATEGORY_INACTIVE', `Lĩnh vực "${cat.name}" đã ngừng sử dụng; vui lòng chọn lĩnh vực khác.`);
  return cat.id as string;
}

/** The tree as reporters pick from it: active categories only. */
export async function feedbackCategories(db: Queryable) {
  const rows = await db.query(`SELECT ${COLUMNS} FROM feedback_categories WHERE active ORDER BY position, name`);
  return { items: rows.map(view) };
}

/** Every category, retired ones too, for the administrators' editor. */
export async function adminCategories(db: Queryable, actor: Actor | null) {
  requireAdmin(actor);
  const rows = await db.query(`SELECT ${COLUMNS} FROM feedback_categories ORDER BY position, name`);
  return { items: rows.map(view) };
}

async function checkParent(tx: Queryable, parentId: string, movingId: string | null) {
  const [parent] = await tx.query('SELECT id, active FROM feedback_categories WHERE id = $1', [parentId]);
  if (!parent) throw badRequest('UNKNOWN_PARENT', 'Lĩnh vực cha không tồn tại.');
  if (!parent.active) throw badRequest('PARENT_INACTIVE', 'Không thể đặt vào một lĩnh vực đã ngừng sử dụng.');
  if (movingId === null) return;
  // Walking up from the new parent must not meet the category being moved (it would become its own ancestor).
  const [loop] = await tx.query(
    `WITH RECURSIVE up AS (SELECT id, parent_id FROM feedback_categories WHERE id = $1
       UNION ALL SELECT c.id, c.parent_id FROM feedback_categories c JOIN up ON c.id = up.parent_id)
     SELECT 1 FROM up WHERE id = $2`,
    [parentId, movingId],
  );
  if (loop) throw badRequest('CATEGORY_CYCLE', 'Không thể đặt một lĩnh vực vào chính nó hoặc vào lĩnh vực con của nó.');
}

export async function createCategory(db: Queryable, actor: Actor | null, input: CategoryInput) {
  requireSystemAdmin(actor, 'Chỉ quản trị hệ thống được sửa danh mục lĩnh vực phản ánh.');
  const name = input.name.trim();
  if (!name) throw badRequest('NAME_REQUIRED', 'Vui lòng nhập tên lĩnh vực.');
  if (input.parentId) await checkParent(db, input.parentId, null);
  const [taken] = await db.query('SELECT 1 FROM feedback_categories WHERE code = $1', [input.code]);
  if (taken) throw conflict('CATEGORY_CODE_TAKEN', `Mã lĩnh vực "${input.code}" đã được dùng.`);
  const [row] = await db.query(
    `INSERT INTO feedback_categories (code, name, parent_id, position)
     SELECT $1, $2, $3, coalesce(max(position), 0) + 1 FROM feedback_categories WHERE parent_id IS NOT DISTINCT FROM $3::uuid
     RETURNING ${COLUMNS}`,
    [input.code, name, input.parentId ?? null],
  );
  return view(row);
}

export async function updateCategory(db: Queryable, actor: Actor | null, id: string, patch: CategoryPatch) {
  requireSystemAdmin(actor, 'Chỉ quản trị hệ thống được sửa danh mục lĩnh vực phản ánh.');
  const [current] = await db.query(`SELECT ${COLUMNS} FROM feedback_categories WHERE id = $1`, [id]);
  if (!current) throw notFound('lĩnh vực phản ánh');
  const name = patch.name === undefined ? current.name : patch.name.trim();
  if (!name) throw badRequest('NAME_REQUIRED', 'Vui lòng nhập tên lĩnh vực.');
  const parentId = patch.parentId === undefined ? current.parent_id : patch.parentId;
  if (parentId && parentId !== current.parent_id) await checkParent(db, parentId, id);
  const active = patch.active ?? current.active;
  if (!active && current.active) {
    // A retired parent would hide its children from the reporters' tree: they are retired or moved first.
    const [child] = await db.query('SELECT name FROM feedback_categories WHERE parent_id = $1 AND active LIMIT 1', [id]);
    if (child) throw badRequest('CATEGORY_HAS_CHILDREN', `Lĩnh vực còn lĩnh vực con đang dùng ("${child.name}"); hãy ngừng sử dụng hoặc chuyển chúng trước.`);
  }
  if (active && !current.active && parentId) {
    const [parent] = await db.query('SELECT active FROM feedback_categories WHERE id = $1', [parentId]);
    if (!parent.active) throw badRequest('PARENT_INACTIVE', 'Lĩnh vực cha đã ngừng sử dụng; hãy dùng lại lĩnh vực cha trước.');
  }
  const defaultAgencyId = patch.defaultAgencyId === undefined ? current.default_agency_id : patch.defaultAgencyId;
  if (defaultAgencyId && defaultAgencyId !== current.default_agency_id) {
    const org = await organisationOf(db, defaultAgencyId).catch(() => null);
    if (!org?.active || org.id !== defaultAgencyId) throw badRequest('INVALID_AGENCY', 'Cơ quan xử lý không tồn tại hoặc không còn hoạt động.');
  }
  const [row] = await db.query(
    `UPDATE feedback_categories SET name = $2, parent_id = $3, active = $4, default_agency_id = $5, handling_kind = $6 WHERE id = $1 RETURNING ${COLUMNS}`,
    [id, name, parentId ?? null, active, defaultAgencyId ?? null, patch.handlingKind ?? current.handling_kind],
  );
  return view(row);
}
