// What starts each batch, checked when the file is read: the batches it waits for (`after`, `after_success`), a
// condition over metrics (`when`), or, with none of these, the batch above it — so every model-ensembler
// configuration keeps its order. An unknown name, a batch waiting for itself and a circle of batches waiting for
// each other are configuration errors with their places.
import type { Problem } from '../errors.js';
import type { BatchDraft } from './defaults.js';
import { suggest } from './describe.js';
import { ExpressionError, parseExpression } from './expression.js';
import type { PositionMap } from './positions.js';
import type { BatchStart } from './types.js';

/** Parses a condition written at `path`; a problem (with where in the condition it failed) when it cannot be. */
export function parseCondition(text: string, names: readonly string[], where: Problem['where']): { start?: BatchStart['when']; problem?: Problem } {
  try {
    return { start: { text, expr: parseExpression(text, names) } };
  } catch (error) {
    if (!(error instanceof ExpressionError)) throw error;
    return { problem: { where, message: `condition ${JSON.stringify(text)}: ${error.message} (at character ${error.column})` } };
  }
}

/** The start of every batch, by position, and the problems found. */
export function buildStarts(drafts: readonly BatchDraft[], positions: PositionMap): { starts: BatchStart[]; problems: Problem[] } {
  const names = drafts.map((draft) => String(draft.plain.name));
  const problems: Problem[] = [];
  const starts = drafts.map((draft, i): BatchStart => {
    const list = (key: 'after' | 'after_success'): string[] => {
      const value = draft.plain[key];
      if (!Array.isArray(value)) return [];
      return value.flatMap((name: unknown, at) => {
        const where = positions.where([...draft.path, key, at]);
        if (typeof name !== 'string') return [];
        if (name === names[i]) problems.push({ where, message: `batch ${name} cannot wait for itself` });
        else if (!names.includes(name)) problems.push({ where, message: `no batch is named ${JSON.stringify(name)}${suggest(name, names)}` });
        else return [name];
        return [];
      });
    };
    const explicit = ['after', 'after_success', 'when'].some((key) => Object.hasOwn(draft.plain, key));
    const text = draft.plain.when;
    let when: BatchStart['when'];
    if (typeof text === 'string') {
      const parsed = parseCondition(text, names, positions.where([...draft.path, 'when']));
      if (parsed.problem) problems.push(parsed.problem);
      when = parsed.start;
    }
    const previous = i > 0 ? names[i - 1] : undefined;
    return {
      after: explicit ? list('after') : previous !== undefined ? [previous] : [],
      afterSuccess: list('after_success'),
      when,
      implicit: !explicit,
    };
  });
  problems.push(...findCircles(starts, names, drafts, positions));
  return { starts, problems };
}

/** A problem for each circle of batches waiting for each other, at the first batch of the circle. */
function findCircles(starts: readonly BatchStart[], names: readonly string[], drafts: readonly BatchDraft[], positions: PositionMap): Problem[] {
  const index = new Map(names.map((name, i) => [name, i]));
  const state = new Array<0 | 1 | 2>(names.length).fill(0);
  const stack: number[] = [];
  const problems: Problem[] = [];
  const visit = (i: number): void => {
    state[i] = 1;
    stack.push(i);
    for (const name of [...(starts[i]?.after ?? []), ...(starts[i]?.afterSuccess ?? [])]) {
      const j = index.get(name);
      if (j === undefined) continue;
      if (state[j] === 1) {
        const circle = [...stack.slice(stack.indexOf(j)), j].map((k) => names[k]);
        const draft = drafts[j] as BatchDraft;
        problems.push({ where: positions.where(draft.path), message: `batches wait for each other in a circle: ${circle.join(' → ')}; none of them could ever start` });
      } else if (state[j] === 0) {
        visit(j);
      }
    }
    stack.pop();
    state[i] = 2;
  };
  for (let i = 0; i < names.length; i++) if (state[i] === 0) visit(i);
  return problems;
}
