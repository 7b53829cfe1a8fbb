// The source modules import each other without circles, type-only imports included: a circle of types is a circle
// of concepts, and the layering (config → template → engine → cli) is what keeps each module readable alone.
import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from '../../helpers/cli.js';

/** Every .ts file under `dir`, relative to the repository root. */
function sources(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = path.join(dir, entry.name);
    return entry.isDirectory() ? sources(rel) : entry.name.endsWith('.ts') ? [rel] : [];
  });
}

/** The relative imports of `file` (static, dynamic and type-only), as repository paths of .ts files. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  const specifiers = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2] ?? '');
  return specifiers.map((spec) => path.join(path.dirname(file), spec).replace(/\.js$/, '.ts'));
}

/** The circles of the import graph: its strongly connected components of more than one module (Tarjan). */
function circles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let next = 0;
  const visit = (node: string): void => {
    index.set(node, next);
    low.set(node, next++);
    stack.push(node);
    onStack.add(node);
    for (const to of graph.get(node) ?? []) {
      if (!graph.has(to)) continue;
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node) as number, low.get(to) as number));
      } else if (onStack.has(to)) low.set(node, Math.min(low.get(node) as number, index.get(to) as number));
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop() as string;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || (graph.get(node) ?? []).includes(node)) found.push(component.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

describe('source layout', () => {
  it('has no import circle among the modules of src/, type-only imports included', () => {
    const files = sources('src');
    expect(files.length).to.be.above(50);
    const graph = new Map(files.map((file) => [file, importsOf(file)]));
    // The parser sees imports at all: the engine imports its types.
    expect(graph.get(path.join('src', 'engine', 'run.ts'))).to.include(path.join('src', 'engine', 'types.ts'));
    expect(circles(graph)).to.deep.equal([]);
  });
});
