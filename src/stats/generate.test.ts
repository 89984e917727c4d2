import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eachDatabase } from '../testing/harness.ts';
import { addDays, vietnamDate } from '../shared/time.ts';
import { generateDossierLines } from './generate.ts';
import { dossierWorkflow } from '../dossiers/workflow.ts';

eachDatabase('dossier generator', { demo: true }, (ctx) => {
  test('gives exactly the number of dossiers asked for, none received after "now", even when the span ends today', async () => {
    // 09:00 on a Monday: most of the day's office hours are still ahead, so many draws fall after now.
    const now = new Date('2026-11-30T09:00:00+07:00');
    const today = vietnamDate(now);
    for (let seed = 1; seed <= 30; seed++) {
      const lines: string[] = [];
      for await (const line of generateDossierLines(ctx.db, { count: 1, from: addDays(today, -3), to: today, seed, now })) lines.push(line);
      assert.equal(lines.length, 1, `seed ${seed}`);
      const { receivedAt, submittedAt } = JSON.parse(lines[0]);
      assert.ok(new Date(receivedAt ?? submittedAt) <= now, `seed ${seed}: received ${receivedAt} after ${now.toISOString()}`);
    }
    const many: string[] = [];
    for await (const line of generateDossierLines(ctx.db, { count: 250, from: addDays(today, -10), to: today, seed: 7, now })) many.push(line);
    assert.equal(many.length, 250);
    assert.equal(new Set(many.map((l) => JSON.parse(l).code)).size, 250, 'codes are unique');
  });

  test('generated histories only make the moves the dossier workflow declares', async () => {
    const actions = Object.values(dossierWorkflow.actions) as { from: readonly number[]; to: readonly number[] }[];
    const declared = (from: number | undefined, to: number) =>
      actions.some((a) => (from === undefined || a.from.includes(from)) && (a.to.includes(to) || (from === to && a.from.includes(to))));
    const now = new Date('2026-11-30T09:00:00+07:00');
    for await (const line of generateDossierLines(ctx.db, { count: 400, from: addDays(vietnamDate(now), -60), to: vietnamDate(now), seed: 11, now })) {
      const d = JSON.parse(line) as { code: string; status: number; events: { action: string; fromStatus?: number; toStatus: number }[] };
      assert.ok(d.status in dossierWorkflow.states, `${d.code}: trạng thái ${d.status}`);
      for (const e of d.events) assert.ok(declared(e.fromStatus, e.toStatus), `${d.code}: ${e.action} ${e.fromStatus ?? '?'} → ${e.toStatus}`);
    }
  });
});
