// Names that say what a run is: a batch's `label` (`"a{{ alpha }}-b{{ beta }}"`) is a template rendered for each of
// its runs, listed and generated, with the tool's Jinja2 renderer; the run's id and directory name become
// `<batch>-<label>`. It sees what the run's templates see before the run exists: vars ⊕ the batch's keys ⊕ the run's
// values ⊕ idx, as `run.<key>` and by bare name. Every label is checked before anything is written: it must render,
// be unique in the batch, and be a safe file name.
import type { Problem, Where } from '../errors.js';
import type { CompiledString } from '../template/string.js';
import { describeValue } from './describe.js';

/** Characters a label may hold: letters, digits and `. _ + - =`. */
const SAFE_LABEL = /^[A-Za-z0-9._+=-]+$/;
/** The most bytes of a run id `<batch>-<label>`: its directory name must stay well within a file system's 255. */
export const MAX_RUN_ID_BYTES = 200;
/** The most label problems reported for one batch: the first few show what is wrong with all. */
const MAX_PROBLEMS = 5;
/** Names the engine gives a run only once it runs (engine/context.ts): a label cannot use them. */
const RUNTIME_NAMES = ['id', 'dir', 'batch_idx', 'attempt'];

/** What is unsafe in a rendered label, in words; undefined when it is safe. */
function unsafePart(label: string): string | undefined {
  if (label === '') return 'it is empty';
  if (SAFE_LABEL.test(label)) return undefined;
  const char = [...label].find((c) => !SAFE_LABEL.test(c)) ?? '';
  if (char === '/') return 'it holds a "/"';
  if (char === ' ') return 'it holds a space';
  if (char === ',') return 'it holds a "," (rerun --runs and cancel --runs take ids separated by commas)';
  if (/[\x00-\x1f\x7f]/.test(char)) return 'it holds a control character';
  return `it holds ${JSON.stringify(char)}`;
}

/** The names a label's text can refer to (a superset: every word in it), or undefined when it may read any. */
function namesUsed(text: string): Set<string> | undefined {
  // `run` other than as `run.name` (run|length, run['x'], for k in run) can reach every key.
  if (/\brun\b(?!\s*\.\s*[A-Za-z_])/.test(text)) return undefined;
  return new Set(text.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []);
}

/** Renders and checks the labels of one batch's runs. */
export class Labeller {
  readonly problems: Problem[] = [];
  /** The runs' labels so far, each with the idx of its run. */
  readonly #seen = new Map<string, number>();
  readonly #base: Readonly<Record<string, unknown>>;
  /** The layer giving `idx`, reused: a render reads it at once and keeps nothing. */
  readonly #idx = { idx: 0 };
  #dropped = 0;

  /**
   * `base`: vars ⊕ the batch's keys; `origin(idx, values)` names a run in messages. Of the base, only the names the
   * label's text mentions are kept: a label that nunjucks must render copies its whole context each time.
   */
  constructor(
    private readonly compiled: CompiledString,
    private readonly render: (compiled: CompiledString, ...layers: Readonly<Record<string, unknown>>[]) => string,
    text: string,
    base: Readonly<Record<string, unknown>>,
    private readonly batch: string,
    private readonly where: Where,
    private readonly origin: (idx: number, values?: Readonly<Record<string, unknown>>) => string,
  ) {
    const names = namesUsed(text);
    this.#base = names ? Object.fromEntries(Object.entries(base).filter(([key]) => names.has(key))) : base;
  }

  #problem(message: string): void {
    if (this.problems.length < MAX_PROBLEMS) this.problems.push({ where: this.where, message });
    else this.#dropped++;
  }

  /** The run id for the run with `values` at `idx`, or undefined (with a problem recorded) when its label is unusable. */
  runId(values: Readonly<Record<string, unknown>>, idx: number): string | undefined {
    let label: string;
    try {
      this.#idx.idx = idx;
      label = this.render(this.compiled, this.#base, values, this.#idx);
    } catch (error) {
      const name = RUNTIME_NAMES.find((key) => new RegExp(`undefined variable "(?:run\\.)?${key}"`).test((error as Error).message));
      const hint = name ? `; run.${name} is not known when runs are named (a label sees vars, the batch's keys, the run's values and idx)` : '';
      this.#problem(`the label cannot be rendered for ${this.origin(idx, values)}: ${(error as Error).message.replace(/^label: /, '')}${hint}`);
      return undefined;
    }
    const unsafe = unsafePart(label);
    if (unsafe !== undefined) {
      this.#problem(`the label renders ${JSON.stringify(label)} for ${this.origin(idx, values)}, and ${unsafe}; a label may hold only letters, digits and . _ + - =`);
      return undefined;
    }
    const id = `${this.batch}-${label}`;
    const bytes = Buffer.byteLength(id);
    if (bytes > MAX_RUN_ID_BYTES) {
      this.#problem(`the run id "${id.slice(0, 40)}..." of ${this.origin(idx, values)} is ${bytes} bytes; with the batch name and "-", a label may make at most ${MAX_RUN_ID_BYTES}`);
      return undefined;
    }
    const first = this.#seen.get(label);
    if (first !== undefined) {
      this.#problem(`the label renders ${JSON.stringify(label)} for both ${this.origin(first)} and ${this.origin(idx, values)}; add to the label a value that tells them apart`);
      return undefined;
    }
    this.#seen.set(label, idx);
    return id;
  }

  /** The problems, the last saying how many more there were. */
  finish(): Problem[] {
    if (this.#dropped > 0) this.problems.push({ where: this.where, message: `and ${this.#dropped} more runs with label problems` });
    return this.problems;
  }
}

/** A generated run as messages name it: its number in the sweep and its values. */
export function describeSweepRun(index: number, values: Readonly<Record<string, unknown>>): string {
  const shown = Object.entries(values)
    .slice(0, 6)
    .map(([key, value]) => `${key}: ${describeValue(value)}`);
  return `the sweep's run ${index} (${shown.join(', ')}${Object.keys(values).length > 6 ? ', ...' : ''})`;
}
