// The dependency rule (docs/ARCHITECTURE.md, "Rooms"), read from the sources: every import of
// src/** (static, `export ... from`, dynamic `import()`, `require()`, `import('x')` types) is
// mapped to the rooms of its two files; an arrow the rule does not allow, or any cycle between
// files, fails with the file, the import and the rule.
import t from 'tap';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const SRC = resolve(import.meta.dirname, '../../src');

/** What each room may import (besides itself). `base` is the modules that import nothing. */
const BELOW: Record<string, readonly string[]> = {
  base: [],
  engine: ['base'],
  linux: ['engine', 'base'],
  spec: ['linux', 'engine', 'base'],
  protocol: ['spec', 'linux', 'engine', 'base'],
  cgroups: ['spec', 'linux', 'engine', 'base'],
  seccomp: ['spec', 'linux', 'engine', 'base'],
  container: ['protocol', 'cgroups', 'seccomp', 'spec', 'linux', 'engine', 'base'],
  cli: ['container', 'protocol', 'cgroups', 'seccomp', 'spec', 'linux', 'engine', 'base'],
  init: ['protocol', 'linux', 'engine', 'base'],
  entry: ['cli', 'init', 'engine', 'base'],
};
/** Rooms whose types (only) a room may use: the init's plan is typed by the spec. */
const TYPES_FROM: Record<string, readonly string[]> = { init: ['spec'] };

/** The room of a file under src/: its top directory; engine/main.ts (the one entry) apart; the
 * files directly under src/ import nothing. */
export function roomOf(file: string): string {
  const rel = relative(SRC, file).split('/');
  if (rel.length === 1) return 'base';
  if (rel[0] === 'engine' && rel[1] === 'main.ts') return 'entry';
  return rel[0];
}

interface Import { from: string; to: string; spec: string; typeOnly: boolean; line: number }

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'generated' ? [] : sourceFiles(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

function isTypeOnlyImport(n: ts.ImportDeclaration): boolean {
  const c = n.importClause;
  if (!c) return false;
  if (c.isTypeOnly) return true;
  const b = c.namedBindings;
  return !c.name && !!b && ts.isNamedImports(b) && b.elements.length > 0 && b.elements.every((e) => e.isTypeOnly);
}

/** Every module specifier in a file, with whether only types are taken from it. */
function importsOf(file: string): { spec: string; typeOnly: boolean; line: number }[] {
  const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const out: { spec: string; typeOnly: boolean; line: number }[] = [];
  const add = (lit: ts.Node | undefined, typeOnly: boolean) => {
    if (lit && ts.isStringLiteral(lit)) out.push({ spec: lit.text, typeOnly, line: sf.getLineAndCharacterOfPosition(lit.getStart()).line + 1 });
  };
  const visit = (n: ts.Node): void => {
    if (ts.isImportDeclaration(n)) add(n.moduleSpecifier, isTypeOnlyImport(n));
    else if (ts.isExportDeclaration(n)) add(n.moduleSpecifier, n.isTypeOnly);
    else if (ts.isImportTypeNode(n) && ts.isLiteralTypeNode(n.argument)) add(n.argument.literal, true);
    else if (ts.isCallExpression(n) && (n.expression.kind === ts.SyntaxKind.ImportKeyword
      || (ts.isIdentifier(n.expression) && n.expression.text === 'require'))) add(n.arguments[0], false);
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

function allImports(): Import[] {
  return sourceFiles(SRC).flatMap((from) => importsOf(from)
    .filter((i) => i.spec.startsWith('.'))
    .map((i) => ({ ...i, from, to: resolve(dirname(from), i.spec).replace(/\.js$/, '.ts') })));
}

/** Why an import breaks the rule, or undefined. */
export function violation(i: Import): string | undefined {
  const a = roomOf(i.from), b = roomOf(i.to);
  if (a === b && a !== 'base') return undefined;
  if (a === 'base') return `${a} imports nothing`;
  if ((BELOW[a] ?? []).includes(b)) return undefined;
  if (i.typeOnly && (TYPES_FROM[a] ?? []).includes(b)) return undefined;
  const types = TYPES_FROM[a]?.length ? `; types from ${TYPES_FROM[a].join(', ')}` : '';
  return `${a} may import ${(BELOW[a] ?? []).join(', ') || 'nothing'}${types} (not ${b}${i.typeOnly ? '' : ' values'})`;
}

/** The cycles between files (each as its path of files), by depth-first search. */
export function cycles(imports: Import[]): string[][] {
  const edges = new Map<string, Set<string>>();
  for (const i of imports) (edges.get(i.from) ?? edges.set(i.from, new Set()).get(i.from)!).add(i.to);
  const state = new Map<string, 'open' | 'done'>();
  const found: string[][] = [];
  const walk = (f: string, path: string[]): void => {
    if (state.get(f) === 'done') return;
    if (state.get(f) === 'open') { found.push([...path.slice(path.indexOf(f)), f]); return; }
    state.set(f, 'open');
    for (const g of edges.get(f) ?? []) walk(g, [...path, f]);
    state.set(f, 'done');
  };
  for (const f of [...edges.keys()].sort()) walk(f, []);
  return found;
}

const rel = (f: string) => relative(SRC, f);
const imports = allImports();

t.ok(imports.length > 300, `the imports of src/** were read (${imports.length})`);
t.same(imports.filter((i) => !i.to.startsWith(SRC)).map((i) => `${rel(i.from)}:${i.line} '${i.spec}'`), [], 'no import leaves src/');
t.same(imports.flatMap((i) => {
  const why = violation(i);
  return why ? [`${rel(i.from)}:${i.line} imports '${i.spec}': ${why}`] : [];
}), [], 'every import follows cli -> container -> protocol/cgroups/seccomp -> spec -> linux -> engine -> base; init and entry apart');
t.same(cycles(imports).map((c) => c.map(rel).join(' -> ')), [], 'no cycle between files');

t.test('the checks fail on what they must refuse', async (t) => {
  const f = (p: string) => join(SRC, p);
  const bad = { from: f('spec/id.ts'), to: f('container/errors.ts'), spec: '../container/errors.js', typeOnly: false, line: 1 };
  t.match(violation(bad), /spec may import linux, engine, base \(not container values\)/, 'an arrow upwards');
  t.match(violation({ ...bad, from: f('init/main.ts'), to: f('spec/mount-options.ts') }), /not spec values/, 'a value from spec in the init');
  t.equal(violation({ ...bad, from: f('init/main.ts'), to: f('spec/types.ts'), typeOnly: true }), undefined, 'spec types in the init');
  t.match(violation({ ...bad, from: f('errors.ts'), to: f('linux/fd.ts') }), /base imports nothing/, 'an import in base');
  const a = f('init/rootfs/plan.ts'), b = f('init/rootfs/mount-entry.ts');
  t.same(cycles([{ ...bad, from: a, to: b }, { ...bad, from: b, to: a }]).map((c) => c.map(rel)),
    [['init/rootfs/mount-entry.ts', 'init/rootfs/plan.ts', 'init/rootfs/mount-entry.ts']], 'a cycle of two files');
});
