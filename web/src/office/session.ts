// Whether a staff member is signed in, for the site navigation. Staff sign in and out only on /dang-nhap and in the
// staff areas, so the session is re-read when entering or leaving those pages, not on every public page.
import { useEffect, useState } from 'react';
import { api, type Me } from '../api.ts';

const staffPage = (pathname: string) =>
  pathname === '/dang-nhap' || pathname.startsWith('/quan-tri') || pathname.startsWith('/mot-cua') || pathname.startsWith('/dieu-hanh');

export function useStaffSignedIn(pathname: string): Me | null {
  const [me, setMe] = useState<Me | null>(null);
  const key = staffPage(pathname) ? pathname : 'public';
  useEffect(() => {
    const ctrl = new AbortController();
    api<{ user: Me }>('/api/v1/auth/me', { signal: ctrl.signal }).then(
      (r) => setMe(r.user),
      () => {
        if (!ctrl.signal.aborted) setMe(null);
      },
    );
    return () => ctrl.abort();
  }, [key]);
  return me;
}

/** Roles that work on dossiers: cán bộ một cửa, chuyên viên, lãnh đạo. */
export const handlesDossiers = (me: Pick<Me, 'roles'>) =>
  me.roles.some((r) => r === 'counter_officer' || r === 'specialist' || r === 'unit_leader' || r === 'agency_leader');
/** Who has the dossier and feedback pages: those who work on dossiers, and the system administrator. */
export const handlesCases = (me: Pick<Me, 'roles'>) => handlesDossiers(me) || me.roles.includes('system_admin');
export const isCounterOfficer = (me: Me) => me.roles.includes('counter_officer') || me.roles.includes('system_admin');

/** Who drafts văn bản đi (chuyên viên, lãnh đạo, văn thư) — and so works with documents at all (src/documents/workflow.ts DRAFTERS). */
export const drafts = (me: Pick<Me, 'roles'>) => me.roles.some((r) => r === 'specialist' || r === 'unit_leader' || r === 'agency_leader' || r === 'clerk');
/** The văn thư registers paper documents in the incoming register. */
export const registersPaper = (me: Pick<Me, 'roles'>) => me.roles.includes('clerk');
/** Who prints the registers of Phụ lục IV (văn thư, the agency's leaders; src/documents/registers.ts PRINTERS). */
export const printsRegisters = (me: Pick<Me, 'roles'>) =>
  me.roles.some((r) => r === 'clerk' || r === 'agency_leader' || r === 'agency_admin' || r === 'system_admin');
