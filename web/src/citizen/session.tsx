// The signed-in citizen: pages that need one send visitors to the sign-in page and come back afterwards.
import { useEffect, type ReactNode } from 'react';
import { ApiError, api, type Citizen } from '../api.ts';
import { navigate } from '../router.tsx';
import { ErrorMessage, Loading, useAction, useFetch } from '../ui.tsx';

export const CITIZEN_SIGN_IN = '/cong-dan/dang-nhap';

/** The signed-in citizen with the identity level (mức định danh) of this sign-in, when the provider states one. */
type SignedInCitizen = Citizen & { identityLevel: number | null };

/** Renders `children(citizen)` once a citizen is signed in; otherwise goes to the sign-in page with ?next= here. */
export function CitizenGate({ children }: { children: (citizen: Citizen) => ReactNode }) {
  const me = useFetch<{ citizen: SignedInCitizen }>('/api/v1/citizen/me');
  const unauthenticated = me.error instanceof ApiError && me.error.status === 401;
  useEffect(() => {
    if (unauthenticated) navigate(`${CITIZEN_SIGN_IN}?next=${encodeURIComponent(location.pathname + location.search)}`, { replace: true });
  }, [unauthenticated]);
  if (!me.data) {
    return (
      <div className="container page">{me.error && !unauthenticated ? <ErrorMessage error={me.error} /> : <Loading label="Đang kiểm tra đăng nhập…" />}</div>
    );
  }
  return (
    <>
      <CitizenBar citizen={me.data.citizen} />
      {children(me.data.citizen)}
    </>
  );
}

function CitizenBar({ citizen }: { citizen: SignedInCitizen }) {
  const out = useAction();
  // Signed out here, then at the identity provider too when it offers that; it comes back to the portal.
  const signOut = () =>
    void out.run(async () => {
      const { endSessionUrl } = await api<{ endSessionUrl: string | null }>('/api/v1/citizen/signout', { method: 'POST' });
      if (endSessionUrl) location.assign(endSessionUrl);
      else navigate('/', { replace: true });
    });
  return (
    <div className="admin-bar">
      <div className="container admin-bar-inner">
        <p className="who">
          <span className="who-name">{citizen.fullName}</span>
          <span className="who-agency">
            Số định danh cá nhân {citizen.idNumber}
            {citizen.identityLevel !== null && ` · định danh mức ${citizen.identityLevel}`}
          </span>
        </p>
        <button type="button" className="btn btn-small" onClick={signOut} disabled={out.busy}>
          Đăng xuất
        </button>
      </div>
      {out.error && (
        <div className="container">
          <ErrorMessage error={out.error} />
        </div>
      )}
    </div>
  );
}
