import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { dbKinds, freshDatabase } from '../testing/harness.ts';
import { migrate } from './migrate.ts';
import { SCALARS, schemaTypes, tsType } from './schema-types.ts';

/** What a value of each generated TypeScript type may be at run time. */
const IS: Record<string, (v: unknown) => boolean> = {
  number: (v) => typeof v === 'number',
  string: (v) => typeof v === 'string',
  boolean: (v) => typeof v === 'boolean',
  Date: (v) => v instanceof Date,
  Uint8Array: (v) => v instanceof Uint8Array,
  Int8: (v) => ['number', 'bigint', 'string'].includes(typeof v),
  Numeric: (v) => typeof v === 'string',
  Json: () => true,
  'number | string': (v) => typeof v === 'number' || typeof v === 'string',
};

for (const kind of dbKinds()) {
  test(`src/db/schema.ts is the generation from the migrations (run npm run db:types after a migration) [${kind}]`, async () => {
    const { db, drop } = await freshDatabase(kind);
    try {
      await migrate(db);
      const expected = await schemaTypes(db);
      assert.ok(readFileSync(new URL('./schema.ts', import.meta.url), 'utf8') === expected, 'src/db/schema.ts is out of date: run npm run db:types');
    } finally {
      await drop();
    }
  });

  test(`each PostgreSQL type comes back as its generated TypeScript type [${kind}]`, async () => {
    const { db, drop } = await freshDatabase(kind);
    try {
      const values: Record<string, string> = {
        int2: '1',
        int4: '1',
        float4: '1.5',
        float8: '1.5',
        int8: '9007199254740993',
        numeric: '1.50',
        text: 'a',
        varchar: 'a',
        bpchar: 'a',
        uuid: '00000000-0000-0000-0000-000000000001',
        inet: '127.0.0.1',
        time: '08:00',
        bool: 'true',
        date: '2026-01-02',
        timestamp: '2026-01-02 08:00',
        timestamptz: '2026-01-02T08:00:00+07:00',
        json: '{"a":1}',
        jsonb: '{"a":1}',
        bytea: '\\x01',
      };
      const types = Object.keys(SCALARS).filter((t) => t !== 'citext');
      assert.deepEqual(types.sort(), Object.keys(values).sort());
      const [row] = await db.query(`SELECT ${types.map((t) => `'${values[t]}'::${t} AS ${t}, ARRAY['${values[t]}'::${t}] AS _${t}`).join(', ')}`);
      for (const t of types) {
        assert.ok(IS[tsType(t)](row[t]), `${t} → ${tsType(t)}: ${String(row[t])}`);
        const element = tsType(`_${t}`).replace(/^\(|\)?\[\]$/g, '');
        assert.ok(Array.isArray(row[`_${t}`]) && IS[element](row[`_${t}`][0]), `${t}[] → ${tsType(`_${t}`)}: ${String(row[`_${t}`])}`);
      }
    } finally {
      await drop();
    }
  });
}
