import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';

/**
 * Data flows one way (constructs → model → checks → renderers → files): the import graph of `src/` has no cycle.
 * Every edge counts, as madge counts them by default: `import`, `import type`, `export … from`, `require('…')` and
 * `import('…')`.
 */

const SRC = path.join(__dirname, '..', 'src');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const abs = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(abs);
    return /\.m?ts$/.test(e.name) && !e.name.endsWith('.d.ts') ? [abs] : [];
  });
}

/** The source file a relative specifier names (`./x` → `./x.ts`, `./x/index.ts`, `./x.mts`); undefined: not a source file. */
function resolve(from: string, specifier: string): string | undefined {
  const base = path.resolve(path.dirname(from), specifier);
  const stem = base.replace(/\.(m?js|m?ts)$/, '');
  return [`${stem}.ts`, `${stem}.mts`, path.join(base, 'index.ts')].find((f) => fs.existsSync(f) && fs.statSync(f).isFile());
}

/** Each file's imports of other files of `src/`, by path relative to `src/`. */
export function importGraph(files: readonly string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const info = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
    const targets = info.importedFiles
      .map((f) => f.fileName)
      .filter((s) => s.startsWith('.'))
      .map((s) => resolve(file, s))
      .filter((f): f is string => f !== undefined)
      .map((f) => path.relative(SRC, f));
    graph.set(path.relative(SRC, file), [...new Set(targets)].sort());
  }
  return graph;
}

/** The cycles a depth-first walk meets (each back edge closes one), as madge lists them: `a > b > c` (c imports a). */
export function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') found.push(stack.slice(stack.indexOf(next)));
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of [...graph.keys()].sort()) if (!state.has(node)) visit(node);
  return found;
}

describe('the import graph of src/', () => {
  test('reads every kind of edge madge counts', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'import-graph-'));
    try {
      const write = (name: string, text: string) => fs.writeFileSync(path.join(dir, name), text);
      write('a.ts', "import type { B } from './b';\nexport { C } from './c';\nconst d = require('./d');\nimport fs from 'fs';\n");
      write('b.ts', 'export type B = 1;\n');
      write('c.ts', "export const C = 1;\nexport * from './a';\n");
      write('d.ts', 'export {};\n');
      const graph = importGraph(['a', 'b', 'c', 'd'].map((n) => path.join(dir, `${n}.ts`)));
      const edges = [...graph].map(([from, to]) => [path.basename(from), to.map((t) => path.basename(t))]);
      expect(edges).toEqual([['a.ts', ['b.ts', 'c.ts', 'd.ts']], ['b.ts', []], ['c.ts', ['a.ts']], ['d.ts', []]]);
      expect(cycles(graph).map((c) => c.map((f) => path.basename(f)))).toEqual([['a.ts', 'c.ts']]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('renderers and the model reach no construct', () => {
    const files = sourceFiles(SRC);
    const graph = importGraph(files);
    // A construct module declares a ShipshapeConstruct (src/core/construct.ts).
    const constructs = new Set(files.filter((f) => /extends ShipshapeConstruct\b/.test(fs.readFileSync(f, 'utf8'))).map((f) => path.relative(SRC, f)));
    expect([...constructs]).toEqual(expect.arrayContaining(['service/service.ts', 'environment/environment.ts', 'database/database.ts']));
    const downstream = [...graph.keys()].filter((f) => /^(model\.ts|render\.ts|[^/]+\/model\.ts|cloudformation\/|github\/|diagrams\/|policy\/|monitoring\/docs\/|compose\/render\.ts|docker\/render\.ts)/.test(f));
    expect(downstream.length).toBeGreaterThan(40);
    const reached = (from: string): string[] => {
      const seen = new Set<string>();
      const walk = (f: string) => graph.get(f)?.forEach((t) => { if (!seen.has(t)) { seen.add(t); walk(t); } });
      walk(from);
      return [...seen].filter((f) => constructs.has(f));
    };
    expect(downstream.flatMap((f) => reached(f).map((c) => `${f} reaches ${c}`))).toEqual([]);
  });

  test('has no cycle', () => {
    const graph = importGraph(sourceFiles(SRC));
    expect(graph.size).toBeGreaterThan(100);
    const found = cycles(graph).map((c) => c.join(' > '));
    expect(found).toEqual([]);
  });
});
