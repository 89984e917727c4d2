// npm run db:types — migrates a fresh in-memory PGlite database and writes its row types to src/db/schema.ts.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openDatabase } from './index.ts';
import { migrate } from './migrate.ts';
import { schemaTypes } from './schema-types.ts';

const db = await openDatabase({});
try {
  await migrate(db);
  const target = fileURLToPath(new URL('./schema.ts', import.meta.url));
  writeFileSync(target, await schemaTypes(db));
  console.log(`Đã ghi ${target}`);
} finally {
  await db.close();
}
