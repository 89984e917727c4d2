// One-off: simplifies the Cần Thơ ward boundaries (thanglequoc/vietnamese-provinces-database, MIT) into
// src/geo/can-tho-communes.geo.json, keyed by the commune's statistics code, so the platform ships its own map.
// Run: node --import tsx src/geo/simplify-geo.ts /work/shared/data/geo/can-tho-wards
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fold } from '../shared/text.ts';

type Point = [number, number];
const TOLERANCE = 0.0005; // degrees, about 50 m: invisible on a province map, a small fraction of the size

/**
 * Douglas–Peucker on one ring, keeping it closed. A closed ring starts and ends on the same point, which leaves no
 * baseline to measure from: it is split at the point farthest from its start, and each half is simplified.
 */
function simplify(points: Point[]): Point[] {
  if (points.length < 5) return points;
  const [sx, sy] = points[0];
  let split = 1;
  for (let i = 1; i < points.length - 1; i++) {
    if (Math.hypot(points[i][0] - sx, points[i][1] - sy) > Math.hypot(points[split][0] - sx, points[split][1] - sy)) split = i;
  }
  const keep = new Uint8Array(points.length);
  keep[0] = keep[split] = keep[points.length - 1] = 1;
  const stack: [number, number][] = [
    [0, split],
    [split, points.length - 1],
  ];
  while (stack.length) {
    const [a, b] = stack.pop()!;
    const [ax, ay] = points[a];
    const [bx, by] = points[b];
    const len = Math.hypot(bx - ax, by - ay) || 1e-12;
    let far = -1;
    let farDist = 0;
    for (let i = a + 1; i < b; i++) {
      const [px, py] = points[i];
      const d = Math.abs((bx - ax) * (ay - py) - (ax - px) * (by - ay)) / len;
      if (d > farDist) {
        farDist = d;
        far = i;
      }
    }
    if (far >= 0 && farDist > TOLERANCE) {
      keep[far] = 1;
      stack.push([a, far], [far, b]);
    }
  }
  const out = points.filter((_, i) => keep[i]).map(([x, y]) => [Math.round(x * 1e5) / 1e5, Math.round(y * 1e5) / 1e5] as Point);
  return out.length >= 4 ? out : points.slice(0, 4);
}

const dir = process.argv[2];
const communes: { Code: string; FullName: string; CodeName: string }[] = JSON.parse(
  readFileSync(new URL('../demo/can-tho-communes.json', import.meta.url), 'utf8'),
);
const key = (name: string, type: string) => `${fold(name).replace(/[^a-z0-9]+/g, '_')}|${type}`;
const byKey = new Map(
  communes.map((c) => {
    const [type, ...name] = fold(c.FullName).split(' ');
    return [key(name.join(' '), type), c];
  }),
);
const unique = <T>(xs: T[]) => (xs.length === 1 ? xs[0] : undefined);
const features = [];
const used = new Set<string>();
const files = readdirSync(dir)
  .filter((f) => /^\d+_.+\.geojson$/.test(f))
  .sort((a, b) => parseInt(a, 10) - parseInt(b, 10));
// Exact names first, so that a shortened name is matched only among the communes left over.
const exact = (f: string) =>
  byKey.has(
    key(
      f
        .replace(/^\d+_/, '')
        .replace(/_(xa|phuong)\.geojson$/, '')
        .replaceAll('_', ' '),
      f.includes('_phuong.') ? 'phuong' : 'xa',
    ),
  );
for (const file of [...files.filter(exact), ...files.filter((f) => !exact(f))]) {
  const slug = file.replace(/^\d+_/, '').replace(/\.geojson$/, '');
  const type = slug.endsWith('_phuong') ? 'phuong' : slug.endsWith('_xa') ? 'xa' : slug.split('_').pop()!;
  const name = fold(slug.slice(0, slug.length - type.length - 1).replaceAll('_', ' ')).replaceAll(' ', '_');
  // The source's file names sometimes carry another unit type or lose a leading word equal to a type (Xà Phiên → phien).
  const commune =
    byKey.get(key(name, type)) ??
    unique(communes.filter((c) => c.CodeName === name)) ??
    unique(communes.filter((c) => c.CodeName.endsWith(`_${name}`) && !used.has(c.Code) && fold(c.FullName).startsWith(type === 'xa' ? 'xa ' : 'phuong ')));
  if (!commune) {
    console.error(`không khớp: ${file}`);
    continue;
  }
  used.add(commune.Code);
  const source = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  for (const f of source.features) {
    const polygons: Point[][][] = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates;
    features.push({
      type: 'Feature',
      properties: { code: commune.Code, name: commune.FullName },
      geometry: { type: 'MultiPolygon', coordinates: polygons.map((rings) => rings.map(simplify)) },
    });
  }
}
writeFileSync(new URL('./can-tho-communes.geo.json', import.meta.url), JSON.stringify({ type: 'FeatureCollection', features }));
console.log(`${features.length} vùng, ${new Set(features.map((f) => f.properties.code)).size}/${communes.length} xã, phường`);
