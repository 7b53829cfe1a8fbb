// A batch's `sweep` as the factors of one cross product. Each generator is one factor or more, in the order the
// sweep writes them: every key of `matrix` is one factor, each `zip` group one (its lists side by side), `csv` and
// `yaml` one (their rows), `sample` one (its points). The runs are every combination of one level of each factor,
// the last factor varying fastest, so `matrix` alone is the cartesian product with its last key fastest, and
// `{matrix: {a: [1, 2]}, zip: {seed: [1, 2], tag: [x, y]}}` crosses a with the zipped pairs. A name may come from
// one generator only. Sizes are known before any value is made, so a sweep too large to run is refused for the
// price of a multiplication.
import path from 'node:path';
import type { Problem, Where } from '../errors.js';
import type { BatchDraft } from './defaults.js';
import { formatWhere } from '../errors.js';
import { DEFAULT_MAX_RUNS } from './keys.js';
import { isMapping } from './plain.js';
import type { PathSegment, PositionMap } from './positions.js';
import { expandRange, type RangeValues } from './ranges.js';
import { drawSample, type SampleSpec } from './sample.js';
import { SOBOL_MAX_DIMENSIONS } from './sobol.js';
import { readSweepFile, type Level } from './sweep-files.js';

/** A batch's sweep, ready to make its runs. */
export interface Sweep {
  /** The factors in the order written, each a list of levels; the last varies fastest. */
  readonly factors: readonly (readonly Level[])[];
  /** How many runs it makes: the product of the factors' sizes. */
  readonly count: number;
}

/** What building a sweep needs besides the batch. */
export interface SweepContext {
  readonly positions: PositionMap;
  /** The configuration file's folder: csv and yaml paths are relative to it. */
  readonly configDir: string;
  /** A path as messages show it. */
  readonly show: (file: string) => string;
}

/** One factor before its levels are made: how many, the names it gives (with where each is written), and the levels. */
interface FactorPlan {
  readonly size: number;
  readonly keys: ReadonlyMap<string, Where>;
  levels(): Level[];
}

type Plan = FactorPlan | Problem[];

// A name that is a whole number would be put first by JavaScript's objects, losing its place in the file's order.
const INDEX_LIKE = /^(?:0|[1-9][0-9]*)$/;

const count = (n: number | bigint): string => n.toLocaleString('en-US');

/** Builder of one batch's factors. */
class SweepPlanner {
  constructor(
    private readonly context: SweepContext,
    private readonly base: readonly PathSegment[],
  ) {}

  where(rest: readonly PathSegment[], at: 'key' | 'value' = 'value'): Where {
    return this.context.positions.where([...this.base, ...rest], at);
  }

  /** A list of values, or the range written in its place. */
  values(value: unknown, at: readonly PathSegment[]): RangeValues | Problem[] {
    if (Array.isArray(value)) return { size: value.length, values: () => value };
    const range = expandRange(isMapping(value) ? value : {});
    return typeof range === 'string' ? [{ where: this.where(at), message: range }] : range;
  }

  /** Problems with names that cannot keep their order. */
  names(keys: readonly string[], at: readonly PathSegment[]): Problem[] {
    return keys
      .filter((key) => INDEX_LIKE.test(key))
      .map((key) => ({ where: this.where([...at, key], 'key'), message: `the name "${key}" is a whole number, which cannot keep its place in the order; give it a name with a letter` }));
  }

  /** One factor per key of `matrix`. */
  matrix(raw: Record<string, unknown>): Plan[] {
    const keys = Object.keys(raw);
    if (keys.length === 0) return [[{ where: this.where(['matrix']), message: 'matrix names no lists: give it at least one (alpha: [0.1, 0.2])' }]];
    const named = this.names(keys, ['matrix']);
    if (named.length > 0) return [named];
    return keys.map((key) => {
      const list = this.values(raw[key], ['matrix', key]);
      if (Array.isArray(list)) return list;
      return { size: list.size, keys: new Map([[key, this.where(['matrix', key], 'key')]]), levels: () => list.values().map((value) => [[key, value]] as Level) };
    });
  }

  /** One factor per zip group: its lists side by side. */
  zip(raw: unknown): Plan[] {
    const groups: [unknown, PathSegment[]][] = Array.isArray(raw) ? raw.map((group, i) => [group, ['zip', i]]) : [[raw, ['zip']]];
    return groups.map(([group, at]) => {
      const entries = Object.entries(isMapping(group) ? group : {});
      if (entries.length === 0) return [{ where: this.where(at), message: 'this zip group names no lists: give it lists of equal length (seed: [1, 2], tag: [a, b])' }];
      const named = this.names(entries.map(([key]) => key), at);
      if (named.length > 0) return named;
      const lists = entries.map(([key, value]) => this.values(value, [...at, key]));
      const failed = lists.flatMap((list) => (Array.isArray(list) ? list : []));
      if (failed.length > 0) return failed;
      const sized = lists as RangeValues[];
      const size = sized[0]!.size;
      if (sized.some((list) => list.size !== size)) {
        const lengths = entries.map(([key], i) => `${key} has ${count(sized[i]!.size)}`).join(', ');
        return [{ where: this.where(at), message: `zipped lists must be equally long, and these are not: ${lengths}` }];
      }
      return {
        size,
        keys: new Map(entries.map(([key]) => [key, this.where([...at, key], 'key')])),
        levels: () => {
          const columns = sized.map((list) => list.values());
          return Array.from({ length: size }, (_, row) => entries.map(([key], i) => [key, columns[i]![row]] as const));
        },
      };
    });
  }

  /** One factor of a file's rows. */
  async file(kind: 'csv' | 'yaml', name: string): Promise<Plan> {
    const file = path.resolve(this.context.configDir, name);
    const rows = await readSweepFile(kind, file, this.context.show(file), this.where([kind]));
    if (Array.isArray(rows)) return rows;
    return { size: rows.levels.length, keys: rows.keys, levels: () => rows.levels };
  }

  /** One factor of a sample's points. */
  sample(spec: SampleSpec): Plan {
    const problems: Problem[] = this.names(Object.keys(spec.space), ['sample', 'space']);
    for (const [key, [low, high]] of Object.entries(spec.space)) {
      if (!(Number.isFinite(low) && Number.isFinite(high) && low < high)) {
        problems.push({ where: this.where(['sample', 'space', key]), message: `expected [low, high] with low below high, got [${String(low)}, ${String(high)}]` });
      }
    }
    const dims = Object.keys(spec.space).length;
    if (spec.method === 'sobol' && dims > SOBOL_MAX_DIMENSIONS) {
      problems.push({ where: this.where(['sample', 'space']), message: `a sobol sample has at most ${SOBOL_MAX_DIMENSIONS} dimensions, this one ${dims}; use lhs or random` });
    }
    if (problems.length > 0) return problems;
    const keys = new Map(Object.keys(spec.space).map((key) => [key, this.where(['sample', 'space', key], 'key')]));
    return { size: spec.n, keys, levels: () => drawSample(spec) };
  }
}

/** The sample as validated, its bounds as numbers (a float bound is a PyFloat in the file's values). */
function toSampleSpec(raw: Record<string, unknown>): SampleSpec {
  const space = isMapping(raw.space) ? raw.space : {};
  return {
    method: raw.method as SampleSpec['method'],
    n: Number(raw.n),
    ...(raw.seed === undefined ? {} : { seed: Number(raw.seed) }),
    space: Object.fromEntries(Object.entries(space).map(([key, bounds]) => [key, (bounds as unknown[]).map(Number) as [number, number]])),
  };
}

/**
 * The sweep of a valid batch, or the problems with it: generators that cannot make runs, files that cannot be read,
 * a name given by two generators, or more runs than allowed (`explicit` is the number of runs the batch lists).
 */
export async function buildSweep(draft: BatchDraft, explicit: number, context: SweepContext): Promise<{ sweep?: Sweep; problems: Problem[] }> {
  const raw = draft.typed.sweep;
  if (!isMapping(raw)) return { problems: checkRunCount(draft, explicit, 0, context.positions) };
  const base = draft.keyPath('sweep');
  const planner = new SweepPlanner(context, base);
  const plans: Plan[] = [];
  for (const [kind, value] of Object.entries(raw)) {
    if (kind === 'matrix') plans.push(...planner.matrix(isMapping(value) ? value : {}));
    else if (kind === 'zip') plans.push(...planner.zip(value));
    else if (kind === 'csv' || kind === 'yaml') plans.push(await planner.file(kind, String(value)));
    else if (kind === 'sample' && isMapping(value)) plans.push(planner.sample(toSampleSpec(value)));
  }
  const problems = plans.flatMap((plan) => (Array.isArray(plan) ? plan : []));
  const factors = plans.filter((plan): plan is FactorPlan => !Array.isArray(plan));
  const given = new Map<string, Where>();
  for (const factor of factors) {
    for (const [key, where] of factor.keys) {
      const first = given.get(key);
      if (first) problems.push({ where, message: `"${key}" is also given at ${formatWhere(first)}; each name comes from one generator of the sweep` });
      else given.set(key, where);
    }
  }
  if (problems.length > 0) return { problems };
  const total = factors.reduce((product, factor) => product * BigInt(factor.size), 1n);
  const tooMany = checkRunCount(draft, explicit, total, context.positions);
  if (tooMany.length > 0) return { problems: tooMany };
  return { sweep: { factors: factors.map((factor) => factor.levels()), count: Number(total) }, problems: [] };
}

/**
 * Refuses a batch with more runs than allowed: with `max_runs`, the listed and generated runs together; without it,
 * a sweep of more than DEFAULT_MAX_RUNS runs.
 */
export function checkRunCount(draft: BatchDraft, explicit: number, generated: number | bigint, positions: PositionMap): Problem[] {
  const maxRuns = draft.plain.max_runs;
  const total = BigInt(explicit) + BigInt(generated);
  if (typeof maxRuns === 'number') {
    if (total <= BigInt(maxRuns)) return [];
    const parts = generated === 0 || generated === 0n ? '' : ` (${count(explicit)} listed, ${count(generated)} from its sweep)`;
    return [{ where: positions.where(draft.keyPath('max_runs')), message: `the batch has ${count(total)} runs${parts}, more than max_runs allows (${count(maxRuns)}); maxruns, not max_runs, says how many run at once` }];
  }
  if (BigInt(generated) <= BigInt(DEFAULT_MAX_RUNS)) return [];
  return [{ where: positions.where(draft.keyPath('sweep')), message: `the sweep makes ${count(generated)} runs, more than the ${count(DEFAULT_MAX_RUNS)} a sweep may make; set max_runs: ${String(total)} in the batch if you mean it` }];
}

/** Sets a value without ever touching the prototype (a name `__proto__` is just a name). */
function setValue(values: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(values, key, { value, enumerable: true, writable: true, configurable: true });
  else values[key] = value;
}

/** Calls `emit` with the values of each run of the sweep, in order (the last factor varying fastest), and its number from 0. */
export function forEachSweepRun(sweep: Sweep, emit: (values: Record<string, unknown>, index: number) => void): void {
  const { factors } = sweep;
  const digits = new Array<number>(factors.length).fill(0);
  for (let index = 0; index < sweep.count; index++) {
    const values: Record<string, unknown> = {};
    for (let f = 0; f < factors.length; f++) for (const [key, value] of factors[f]![digits[f]!]!) setValue(values, key, value);
    emit(values, index);
    for (let f = factors.length - 1; f >= 0; f--) {
      if (++digits[f]! < factors[f]!.length) break;
      digits[f] = 0;
    }
  }
}
