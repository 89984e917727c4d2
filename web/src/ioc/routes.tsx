// The operations-centre routes, loaded on demand: ECharts and these pages live in their own chunks, so the
// citizen portal's bundle does not carry them.
import { Suspense, lazy, type ReactElement } from 'react';
import type { Me } from '../api.ts';
import { Loading } from '../ui.tsx';

const IocArea = lazy(() => import('./IocArea.tsx').then((m) => ({ default: m.IocArea })));
const Wall = lazy(() => import('./Wall.tsx').then((m) => ({ default: m.Wall })));
const Transparency = lazy(() => import('./Transparency.tsx').then((m) => ({ default: m.Transparency })));

/** Who may see the figures: the IOC, system administrators, agency leaders (their own organisation; the API enforces it). */
export const canSeeStatistics = (me: Me) => me.roles.some((r) => r === 'ioc_viewer' || r === 'system_admin' || r === 'agency_leader');

export const WALL_PATH = '/dieu-hanh/man-hinh';

const loading = (
  <div className="container page">
    <Loading label="Đang tải…" />
  </div>
);

/** The page of an operations-centre path inside the site frame, or null when the path is not one. */
export function iocRoute(pathname: string): ReactElement | null {
  if (pathname === '/minh-bach')
    return (
      <Suspense fallback={loading}>
        <Transparency />
      </Suspense>
    );
  if (pathname === '/dieu-hanh' || pathname.startsWith('/dieu-hanh/'))
    return (
      <Suspense fallback={loading}>
        <IocArea pathname={pathname} />
      </Suspense>
    );
  return null;
}

/** The wall, full screen without the site frame. */
export const wall = (
  <Suspense fallback={<div className="ioc-wall">{loading}</div>}>
    <Wall />
  </Suspense>
);
