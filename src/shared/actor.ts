// Who is acting: a signed-in staff member, scoped to an agency and what lies below it.
import { AppError, forbidden } from './errors.ts';

export const ROLES = [
  'counter_officer', // cán bộ một cửa
  'specialist', // chuyên viên
  'unit_leader', // lãnh đạo phòng, đơn vị
  'agency_leader', // lãnh đạo cơ quan
  'ioc_viewer', // theo dõi trung tâm điều hành
  'agency_admin', // quản trị cơ quan
  'system_admin', // quản trị hệ thống
  'clerk', // văn thư: registers incoming documents, numbers and seals outgoing ones
] as const;
export type Role = (typeof ROLES)[number];

export interface Actor {
  userId: string;
  username: string;
  fullName: string;
  roles: Role[];
  agencyId: string;
  /** The agency's path ("id/id/…"); the actor's scope is every agency whose path starts with it. */
  agencyPath: string;
}

export const isSystemAdmin = (a: Actor) => a.roles.includes('system_admin');

/** True when the agency with this path is the actor's agency or lies below it. */
export function inScope(actor: Actor, agencyPath: string): boolean {
  return isSystemAdmin(actor) || agencyPath === actor.agencyPath || agencyPath.startsWith(actor.agencyPath + '/');
}

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
