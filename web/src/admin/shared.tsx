// What the admin pages share: the signed-in user, the agency tree, agency options and role checkboxes.
import { createContext, useContext, useMemo } from 'react';
import type { Agency, Me, Role } from '../api.ts';
import { ROLES, keysOf } from '../format.ts';
import { useFetch } from '../ui.tsx';

export const MeContext = createContext<Me | null>(null);
export function useMe(): Me {
  const me = useContext(MeContext);
  if (!me) throw new Error('useMe outside the admin area');
  return me;
}

export const isAdmin = (me: Me) => me.roles.includes('agency_admin') || me.roles.includes('system_admin');

/** The agencies in the user's scope, in tree order, each with its depth in the tree. */
export function useAgencies() {
  const res = useFetch<{ items: Agency[] }>('/api/v1/admin/agencies');
  const tree = useMemo(() => {
    const all = res.data?.items ?? [];
    const byId = new Map(all.map((a) => [a.id, a]));
    const children = new Map<string | null, Agency[]>();
    for (const a of all) {
      const parent = a.parentId && byId.has(a.parentId) ? a.parentId : null;
      children.set(parent, [...(children.get(parent) ?? []), a]);
    }
    // Depth-first, siblings by code: H13, H13.10, H13.11, H13.11.1, …
    const items: Agency[] = [];
    const depth = new Map<string, number>();
    const walk = (parent: string | null, d: number) => {
      for (const a of (children.get(parent) ?? []).sort((x, y) => x.code.localeCompare(y.code, 'vi', { numeric: true }))) {
        items.push(a);
        depth.set(a.id, d);
        walk(a.id, d + 1);
      }
    };
    walk(null, 0);
    return { items, byId, depth };
  }, [res.data]);
  return { ...res, ...tree };
}

/** <option>s of the agencies, indented by depth. */
export function AgencyOptions({ agencies, depth, activeOnly = true }: { agencies: Agency[]; depth: Map<string, number>; activeOnly?: boolean }) {
  return (
    <>
      {agencies
        .filter((a) => a.active || !activeOnly)
        .map((a) => (
          <option key={a.id} value={a.id}>
            {'\u00a0\u00a0'.repeat(depth.get(a.id) ?? 0)}
            {a.name} ({a.code})
          </option>
        ))}
    </>
  );
}

export function RoleCheckboxes({ value, onChange }: { value: Role[]; onChange: (roles: Role[]) => void }) {
  return (
    <fieldset className="checkbox-group">
      <legend>Vai trò</legend>
      {keysOf(ROLES).map((r) => (
        <label key={r} className="check">
          <input type="checkbox" checked={value.includes(r)} onChange={(e) => onChange(e.target.checked ? [...value, r] : value.filter((x) => x !== r))} />
          {ROLES[r]}
        </label>
      ))}
    </fieldset>
  );
}
