// Staff accounts, password login with throttling and lockout, and cookie sessions.
import { createHash, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type { Queryable } from '../db/index.ts';
import { type Actor, isSystemAdmin, type Role } from '../shared/actor.ts';
import { AppError, badRequest, conflict, forbidden, notFound } from '../shared/errors.ts';
import { nfc } from '../shared/text.ts';
import { getAgencyInScope, getAgencyRow } from '../agencies/service.ts';

export const SESSION_HOURS = 12;
/** Consecutive failures that lock an account, and for how long. */
export const LOCK_AFTER_FAILURES = 5;
export const LOCK_MINUTES = 15;
/** Failed attempts from one address within the window before it is throttled, whatever the usernames. */
export const IP_FAILURES_PER_WINDOW = 20;

// argon2id with OWASP's recommended memory cost (19 MiB, 2 passes).
const ARGON2 = { algorithm: 2 as const, memoryCost: 19456, timeCost: 2, parallelism: 1 };
export const hashPassword = (password: string) => hash(password, ARGON2);
// A real hash to verify unknown usernames against, so that timing does not tell which usernames exist.
let dummyHash: Promise<string> | undefined;

export function checkPasswordStrength(password: string): void {
  if (password.length < 8 || !/[A-Za-z]/.test(password) || !/\d/.test(password)) {
    throw badRequest('WEAK_PASSWORD', 'Mật khẩu phải có ít nhất 8 ký tự, gồm cả chữ và số.');
  }
}

export interface LoginContext { ip: string; userAgent: string | null }

export interface LoginResult { token: string; actor: Actor; expiresAt: Date }

export async function login(db: Queryable, username: string, password: string, ctx: LoginContext): Promise<LoginResult> {
  const name = username.trim().toLowerCase();
  const record = (userId: string | null, success: boolean, reason: string) =>
    db.query('INSERT INTO login_events (username, user_id, ip, user_agent, success, reason) VALUES ($1, $2, $3, $4, $5, $6)',
      [name, userId, ctx.ip, ctx.userAgent, success, reason]);

  const [{ n }] = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM login_events WHERE ip = $1 AND NOT success AND at > now() - make_interval(mins => $2)`,
    [ctx.ip, LOCK_MINUTES]);
  if (n >= IP_FAILURES_PER_WINDOW) {
    await record(null, false, 'ip_throttled');
    throw new AppError(429, 'LOGIN_THROTTLED', 'Đăng nhập sai quá nhiều lần từ địa chỉ này. Vui lòng thử lại sau ít phút.');
  }
  const [user] = await db.query(
    `SELECT u.id, u.password_hash, u.active, u.locked_until > now() AS locked, u.locked_until, a.active AS agency_active
       FROM users u JOIN agencies a ON a.id = u.agency_id WHERE u.username = $1`, [name]);
  if (!user) {
    await verify(await (dummyHash ??= hashPassword('khong-phai-mat-khau-1')), password).catch(() => false);
    await record(null, false, 'unknown_user');
    throw invalidCredentials();
  }
  if (user.locked) {
    await record(user.id, false, 'locked');
    throw new AppError(423, 'ACCOUNT_LOCKED',
      `Tài khoản tạm khóa do đăng nhập sai nhiều lần. Vui lòng thử lại sau ${new Date(user.locked_until).toLocaleTimeString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', hour: '2-digit', minute: '2-digit' })}.`);
  }
  const ok = await verify(user.password_hash, password).catch(() => false);
  if (!ok) {
    const [u] = await db.query(
      `UPDATE users SET failed_logins = failed_logins + 1,
         locked_until = CASE WHEN failed_logins + 1 >= $2 THEN now() + make_interval(mins => $3) ELSE locked_until END
       WHERE id = $1 RETURNING failed_logins`, [user.id, LOCK_AFTER_FAILURES, LOCK_MINUTES]);
    await record(user.id, false, 'bad_password');
    if (u.failed_logins >= LOCK_AFTER_FAILURES) {
      throw new AppError(423, 'ACCOUNT_LOCKED', `Đăng nhập sai ${LOCK_AFTER_FAILURES} lần liên tiếp; tài khoản tạm khóa ${LOCK_MINUTES} phút.`);
    }
    throw invalidCredentials();
  }
  if (!user.active || !user.agency_active) {
    await record(user.id, false, 'inactive');
    throw new AppError(403, 'ACCOUNT_DISABLED', 'Tài khoản đã ngừng hoạt động. Vui lòng liên hệ quản trị.');
  }
  await db.query('UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1', [user.id]);
  await record(user.id, true, 'ok');
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + SESSION_HOURS * 3600_000);
  await db.query('INSERT INTO sessions (token_hash, user_id, expires_at, ip, user_agent) VALUES ($1, $2, $3, $4, $5)',
    [tokenHash(token), user.id, expiresAt, ctx.ip, ctx.userAgent]);
  const actor = await actorForUser(db, user.id);
  return { token, actor: actor!, expiresAt };
}

const invalidCredentials = () => new AppError(401, 'INVALID_CREDENTIALS', 'Tên đăng nhập hoặc mật khẩu không đúng.');
const tokenHash = (token: string) => createHash('sha256').update(token).digest('base64url');

export async function logout(db: Queryable, token: string): Promise<void> {
  await db.query('DELETE FROM sessions WHERE token_hash = $1', [tokenHash(token)]);
}

async function actorForUser(db: Queryable, userId: string): Promise<Actor | null> {
  const [r] = await db.query(
    `SELECT u.id, u.username, u.full_name, u.roles, u.agency_id, a.path
       FROM users u JOIN agencies a ON a.id = u.agency_id WHERE u.id = $1 AND u.active AND a.active`, [userId]);
  return r ? { userId: r.id, username: r.username, fullName: r.full_name, roles: r.roles, agencyId: r.agency_id, agencyPath: r.path } : null;
}

/** The actor behind a session token, or null when the token is unknown, expired or its user disabled. */
export async function actorForSession(db: Queryable, token: string): Promise<Actor | null> {
  const [s] = await db.query('SELECT user_id FROM sessions WHERE token_hash = $1 AND expires_at > now()', [tokenHash(token)]);
  return s ? actorForUser(db, s.user_id) : null;
}

export interface Me { id: string; username: string; fullName: string; roles: Role[]; agency: { id: string; code: string; name: string } }
export async function describeActor(db: Queryable, actor: Actor): Promise<Me> {
  const agency = await getAgencyRow(db, actor.agencyId);
  return { id: actor.userId, username: actor.username, fullName: actor.fullName, roles: actor.roles,
    agency: { id: agency!.id, code: agency!.code, name: agency!.name } };
}

// ---- administration of users --------------------------------------------------------------------

export interface User { id: string; username: string; fullName: string; email: string | null; phone: string | null; roles: Role[];
  agencyId: string; agencyName: string; active: boolean; lockedUntil: string | null }

const USER_SELECT = `SELECT u.id, u.username, u.full_name, u.email, u.phone, u.roles, u.agency_id, a.name AS agency_name, a.path,
  u.active, CASE WHEN u.locked_until > now() THEN u.locked_until END AS locked_until FROM users u JOIN agencies a ON a.id = u.agency_id`;
const toUser = (r: Record<string, any>): User => ({
  id: r.id, username: r.username, fullName: r.full_name, email: r.email, phone: r.phone ?? null, roles: r.roles, agencyId: r.agency_id,
  agencyName: r.agency_name, active: r.active, lockedUntil: r.locked_until ? new Date(r.locked_until).toISOString() : null,
});

export function requireAdmin(actor: Actor | null): Actor {
  if (!actor) throw new AppError(401, 'UNAUTHENTICATED', 'Vui lòng đăng nhập.');
  if (!actor.roles.some((r) => r === 'agency_admin' || r === 'system_admin')) throw forbidden();
  return actor;
}

/** Province-wide operations (documented as "chỉ quản trị hệ thống"): agency administrators are refused too. */
export function requireSystemAdmin(actor: Actor | null, message = 'Chỉ quản trị hệ thống được thực hiện thao tác này.'): Actor {
  if (!actor) throw new AppError(401, 'UNAUTHENTICATED', 'Vui lòng đăng nhập.');
  if (!isSystemAdmin(actor)) throw forbidden(message);
  return actor;
}

function checkGrantable(actor: Actor | null, roles: Role[]) {
  if (roles.includes('system_admin') && actor && !isSystemAdmin(actor)) {
    throw forbidden('Chỉ quản trị hệ thống được cấp vai trò quản trị hệ thống.');
  }
}

export async function listUsers(db: Queryable, actor: Actor, agencyId?: string): Promise<User[]> {
  const root = agencyId ? (await getAgencyInScope(db, actor, agencyId)).path : isSystemAdmin(actor) ? '' : actor.agencyPath;
  const rows = await db.query(`${USER_SELECT} WHERE ($1 = '' OR a.path = $1 OR a.path LIKE $1 || '/%') ORDER BY a.path, u.username`, [root]);
  return rows.map(toUser);
}

async function getUserInScope(db: Queryable, actor: Actor, id: string) {
  const [r] = await db.query(`${USER_SELECT} WHERE u.id = $1`, [id]);
  if (!r) throw notFound('người dùng');
  await getAgencyInScope(db, actor, r.agency_id).catch(() => { throw notFound('người dùng'); });
  return r;
}

export async function getUser(db: Queryable, actor: Actor, id: string): Promise<User> {
  return toUser(await getUserInScope(db, actor, id));
}

/** `phone`: the work phone citizens are given to call (printed on Mẫu 02 as the contact). */
export interface NewUser { username: string; password: string; fullName: string; email?: string | null; phone?: string | null; roles: Role[]; agencyId: string }

/** Creates a staff account; actor null = the system itself (seeding). */
export async function createUser(db: Queryable, actor: Actor | null, input: NewUser): Promise<User> {
  if (actor) await getAgencyInScope(db, actor, input.agencyId);
  else if (!(await getAgencyRow(db, input.agencyId))) throw notFound('cơ quan');
  checkGrantable(actor, input.roles);
  checkPasswordStrength(input.password);
  const username = input.username.trim().toLowerCase();
  const [taken] = await db.query('SELECT 1 FROM users WHERE username = $1', [username]);
  if (taken) throw conflict('USERNAME_TAKEN', `Tên đăng nhập "${username}" đã được dùng.`);
  const [row] = await db.query(
    `INSERT INTO users (username, password_hash, full_name, email, agency_id, roles, phone) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
    [username, await hashPassword(input.password), nfc(input.fullName), input.email ?? null, input.agencyId, [...new Set(input.roles)], input.phone ?? null],
  );
  const [r] = await db.query(`${USER_SELECT} WHERE u.id = $1`, [row.id]);
  return toUser(r);
}

export interface UserPatch { fullName?: string; email?: string | null; phone?: string | null; roles?: Role[]; agencyId?: string; active?: boolean; password?: string }

export async function updateUser(db: Queryable, actor: Actor, id: string, patch: UserPatch): Promise<User> {
  const current = await getUserInScope(db, actor, id);
  if (patch.agencyId) await getAgencyInScope(db, actor, patch.agencyId);
  if (patch.roles) checkGrantable(actor, patch.roles);
  if (current.roles.includes('system_admin') && !isSystemAdmin(actor)) throw forbidden('Không thể sửa tài khoản quản trị hệ thống.');
  if (id === actor.userId && (patch.active === false || (patch.roles && !patch.roles.some((r) => r === 'agency_admin' || r === 'system_admin')))) {
    throw new AppError(409, 'CANNOT_DEMOTE_SELF', 'Không thể tự khóa hoặc tự bỏ quyền quản trị của chính mình.');
  }
  if (patch.password !== undefined) checkPasswordStrength(patch.password);
  const passwordHash = patch.password !== undefined ? await hashPassword(patch.password) : null;
  await db.query(
    `UPDATE users SET full_name = coalesce($2, full_name), email = CASE WHEN $3::boolean THEN $4 ELSE email END,
       roles = coalesce($5, roles), agency_id = coalesce($6, agency_id), active = coalesce($7, active),
       password_hash = coalesce($8, password_hash), phone = CASE WHEN $9::boolean THEN $10 ELSE phone END,
       failed_logins = CASE WHEN $8 IS NULL THEN failed_logins ELSE 0 END,
       locked_until = CASE WHEN $8 IS NULL THEN locked_until END, updated_at = now()
     WHERE id = $1`,
    [id, patch.fullName ? nfc(patch.fullName) : null, patch.email !== undefined, patch.email ?? null,
      patch.roles ? [...new Set(patch.roles)] : null, patch.agencyId ?? null, patch.active ?? null, passwordHash,
      patch.phone !== undefined, patch.phone ?? null],
  );
  // A disabled account or a new password ends every open session of that user.
  if (patch.active === false || passwordHash) await db.query('DELETE FROM sessions WHERE user_id = $1', [id]);
  return getUser(db, actor, id);
}

/** A staff member as other modules name them (assignment, consultation): no scope check, callers decide who may ask. */
export interface StaffMember { id: string; fullName: string; roles: Role[]; agencyId: string; agencyName: string; agencyPath: string; active: boolean }
const toStaffMember = (r: Record<string, any>): StaffMember => ({
  id: r.id, fullName: r.full_name, roles: r.roles, agencyId: r.agency_id, agencyName: r.agency_name, agencyPath: r.path, active: r.active,
});

/** Staff members by id (unknown ids are left out). */
export async function staffMembers(db: Queryable, ids: string[]): Promise<Map<string, StaffMember>> {
  if (!ids.length) return new Map();
  const rows = await db.query(`${USER_SELECT} WHERE u.id = ANY($1::uuid[])`, [[...new Set(ids)]]);
  return new Map(rows.map((r) => [r.id as string, toStaffMember(r)]));
}

/** The active staff of an agency and its units, by agency then name. */
export async function activeStaffIn(db: Queryable, agencyPath: string): Promise<StaffMember[]> {
  const rows = await db.query(`${USER_SELECT} WHERE u.active AND (a.path = $1 OR a.path LIKE $1 || '/%') ORDER BY a.path, u.full_name`, [agencyPath]);
  return rows.map(toStaffMember);
}

/** The name and work phone of a staff member, for documents that tell citizens whom to call; null for an unknown id. */
export async function staffContact(db: Queryable, userId: string): Promise<{ name: string; phone: string | null } | null> {
  const [r] = await db.query('SELECT full_name, phone FROM users WHERE id = $1', [userId]);
  return r ? { name: r.full_name as string, phone: (r.phone as string | null) ?? null } : null;
}
