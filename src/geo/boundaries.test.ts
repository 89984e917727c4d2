import assert from 'node:assert/strict';
import { test } from 'node:test';
import { communeAt, communeBoundaries } from './boundaries.ts';

test('a point is placed in the commune whose boundary holds it, and in none outside the province', () => {
  assert.deepEqual(communeAt(10.0452, 105.7846), { code: '31120', name: 'Phường Cái Khế' });
  assert.equal(communeAt(21.0285, 105.8542), null, 'Hà Nội');
  // Nearly every commune holds the mean of its outer ring's vertices (a crescent-shaped one need not).
  let placed = 0;
  for (const f of communeBoundaries().features) {
    const ring = f.geometry.type === 'Polygon' ? f.geometry.coordinates[0] : f.geometry.coordinates[0][0];
    const [cx, cy] = ring.reduce(([x, y], [a, b]) => [x + a / ring.length, y + b / ring.length], [0, 0]);
    if (communeAt(cy, cx)?.code === f.properties.code) placed++;
  }
  assert.ok(placed >= communeBoundaries().features.length * 0.9, `${placed} of ${communeBoundaries().features.length} communes hold their centroid`);
});
