// The import graph between modules has no cycles: a domain (src/<domain>/) depends on others in one direction only,
// and modules that act on another's events do so through its hooks (ARCHITECTURE.md, "Rules between modules").
// Nodes are the domain folders, each top-level file of src/ (config.ts, app.ts, …) and each command-line entry point
// (*-cli.ts, which composes modules as main.ts does); test code is left out.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const SRC = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Cycles known today, by their sorted nodes, with why they stay; each must still exist (the list never goes stale). */
/** Cycles tolerated for now, each with its reason (none today). */
const ALLOWED: Record<string, string> = {};

const isTestCode = (file: string) => file.endsWith('.test.ts') || file.startsWith('testing/') || /(^|\/)(testkit|test-support)\.ts$/.test(file);

function sourceFiles(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [relative(SRC, path)] : [];
  });
}

function nodeOf(file: string): string {
  const parts = file.split('/');
  if (parts.length === 1 || file.endsWith('-cli.ts')) return file;
  return parts[0];
}

/** Relative specifiers of static imports and re-exports, side-effect imports and dynamic imports. */
function importsOf(text: string): string[] {
  const found: string[] = [];
  const patterns = [
    /^\s*(?:import|export)\s[^'"]*?\sfrom\s*['"](\.[^'"]+)['"]/gm,
    /^\s*import\s*['"](\.[^'"]+)['"]/gm,
    /\bimport\(\s*['"](\.[^'"]+)['"]\s*\)/g,
  ];
  for (const pattern of patterns) for (const m of text.matchAll(pattern)) found.push(m[1]);
  return found;
}

/** node → node → one import that makes the edge ("a.ts imports b.ts"). */
function moduleGraph(): Map<string, Map<string, string>> {
  const graph = new Map<string, Map<string, string>>();
  for (const file of sourceFiles().filter((f) => !isTestCode(f))) {
    const from = nodeOf(file);
    for (const spec of importsOf(readFileSync(join(SRC, file), 'utf8'))) {
      const target = normalize(join(dirname(file), spec));
      if (target.startsWith('..') || isTestCode(target)) continue;
      const to = nodeOf(target);
      if (to === from) continue;
      if (!graph.has(from)) graph.set(from, new Map());
      if (!graph.get(from)!.has(to)) graph.get(from)!.set(to, `src/${file} imports src/${target}`);
    }
  }
  return graph;
}

/** Strongly connected components with more than one node (Tarjan). */
function cycles(graph: Map<string, Map<string, string>>): string[][] {
  const index = new Map<string, number>(),
    low = new Map<string, number>(),
    stack: string[] = [],
    onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

/** The imports that close a component into a cycle, one per edge inside it. */
function describe(graph: Map<string, Map<string, string>>, component: string[]): string {
  const edges = component.flatMap((a) => component.filter((b) => graph.get(a)?.has(b)).map((b) => `  ${a} → ${b}: ${graph.get(a)!.get(b)}`));
  return `${component.join(' ⇄ ')}\n${edges.join('\n')}`;
}

test('no import cycle between modules (src/<domain>/, top-level files, entry points)', () => {
  const graph = moduleGraph();
  assert.ok(graph.get('dossiers')?.has('catalog'), 'the graph is read (dossiers imports catalog)');
  const found = cycles(graph);
  const unexpected = found.filter((c) => !(c.join('|') in ALLOWED));
  assert.equal(unexpected.length, 0, `import cycles between modules:\n${unexpected.map((c) => describe(graph, c)).join('\n')}`);
  const gone = Object.keys(ALLOWED).filter((key) => !found.some((c) => c.join('|') === key));
  assert.deepEqual(gone, [], 'allowed cycles that no longer exist: remove them from ALLOWED');
});
