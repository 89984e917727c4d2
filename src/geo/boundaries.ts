// The communes' boundaries the platform ships (simplified, keyed by the commune's statistics code; see simplify-geo.ts):
// drawn by the operations centre's and the feedback pages' maps, and the commune a point falls in.
import { readFileSync } from 'node:fs';

type Ring = [number, number][]; // [long, lat]
export interface CommuneFeature {
  type: 'Feature';
  properties: { code: string; name: string };
  geometry: { type: 'MultiPolygon'; coordinates: Ring[][] } | { type: 'Polygon'; coordinates: Ring[] };
}
export interface CommuneBoundaries {
  type: 'FeatureCollection';
  features: CommuneFeature[];
}

let boundaries: CommuneBoundaries | undefined;

export function communeBoundaries(): CommuneBoundaries {
  boundaries ??= JSON.parse(readFileSync(new URL('./can-tho-communes.geo.json', import.meta.url), 'utf8')) as CommuneBoundaries;
  return boundaries;
}

/** Even-odd ray casting: inside when a ray eastwards crosses the ring an odd number of times. */
function inRing(ring: Ring, long: number, lat: number): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > lat !== yj > lat && long < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** A polygon is its outer ring minus its holes. */
const inPolygon = (polygon: Ring[], long: number, lat: number) => inRing(polygon[0], long, lat) && !polygon.slice(1).some((hole) => inRing(hole, long, lat));

/**
 * The commune whose (simplified, about 50 m) boundary holds the point, or null outside the province. Near a border
 * the answer may be the neighbour: it is a suggestion the reporter and the operators can correct.
 */
export function communeAt(lat: number, long: number): { code: string; name: string } | null {
  for (const f of communeBoundaries().features) {
    const polygons = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates;
    if (polygons.some((p) => inPolygon(p, long, lat))) return { code: f.properties.code, name: f.properties.name };
  }
  return null;
}
