// The ensemble's `rules:`: a condition over metrics and what to do once it holds (start, stop or cancel a batch,
// run a command). Each condition is parsed and each batch name checked when the file is read.
import type { Problem } from '../errors.js';
import { suggest } from './describe.js';
import { parseCondition } from './graph.js';
import { isMapping } from './plain.js';
import type { PositionMap } from './positions.js';
import type { Rule } from './types.js';

/** The rules of a validated file, and the problems found in them. */
export function buildRules(raw: unknown, names: readonly string[], positions: PositionMap): { rules: Rule[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const rules: Rule[] = [];
  if (!Array.isArray(raw)) return { rules, problems };
  raw.forEach((entry: unknown, index) => {
    if (!isMapping(entry)) return;
    const path = ['ensemble', 'rules', index];
    const where = positions.where(path);
    const text = String(entry.when);
    const parsed = parseCondition(text, names, positions.where([...path, 'when']));
    if (parsed.problem) problems.push(parsed.problem);
    const target = (key: 'start' | 'stop' | 'cancel'): string | undefined => {
      const name = entry[key];
      if (typeof name !== 'string') return undefined;
      if (!names.includes(name)) problems.push({ where: positions.where([...path, key]), message: `no batch is named ${JSON.stringify(name)}${suggest(name, names)}` });
      return name;
    };
    const rule: Rule = {
      index,
      when: parsed.start ?? { text, expr: { kind: 'number', value: 0 } },
      start: target('start'),
      stop: target('stop'),
      cancel: target('cancel'),
      execute: typeof entry.execute === 'string' ? entry.execute : undefined,
      repeat: entry.repeat === true,
      every: typeof entry.every === 'number' ? entry.every : undefined,
      where,
    };
    if (!rule.start && !rule.stop && !rule.cancel && !rule.execute) problems.push({ where, message: 'a rule needs something to do: start, stop or cancel (a batch), or execute (a command)' });
    if (rule.every !== undefined && !rule.repeat) problems.push({ where: positions.where([...path, 'every']), message: 'every applies to a rule that repeats: add repeat: true' });
    rules.push(rule);
  });
  return { rules, problems };
}
