// What `results` shows: one row per run (id, batch, state, attempt), its parameters (the run entry's values, as the
// configuration gives them) and what its current attempt left in its result file, both flattened into columns
// (`{"loss": {"train": 0.1}}` becomes `loss.train`; a name met twice is told apart as `param.<name>` or
// `result.<name>`), so the table goes straight into pandas or R. Read-only, like status: it reads the configuration
// and the journal, never the lock.
import { readEnsembleView, type StatusOptions } from './status.js';
import type { RunRecord } from '../state/types.js';

/**
 * A cell: a JSON value (lists stay lists; mappings are flattened into columns), or a value read from YAML that prints
 * as Python prints it (a float `1.0`, a date) and serializes to JSON as a number or text.
 */
export type ResultCell = string | number | boolean | null | readonly unknown[] | { toJSON(): unknown };

export interface ResultsTable {
  /** The configuration file, absolute. */
  readonly file: string;
  readonly stateDir: string;
  /** Every column, in order: `id`, `batch`, `state`, `attempt`, the parameters', then the results'. */
  readonly columns: readonly string[];
  /** One row per run, by column; a column a run has no value for is missing from its row. */
  readonly rows: ReadonlyArray<Readonly<Record<string, ResultCell>>>;
  /** Why the configuration could not be read (then runs have no parameters, and only the journal's runs show). */
  readonly configProblem: string | undefined;
  readonly ownerProblem: string | undefined;
}

export interface ResultsOptions extends StatusOptions {
  /** Only the runs of these batches; default all. */
  readonly batches?: readonly string[];
}

/** The columns every row has, before the parameters. */
const FIXED = ['id', 'batch', 'state', 'attempt'] as const;

/** Whether `value` is a mapping to walk: a plain object, not a list or a value of a class (a YAML float, a date). */
function isPlainMapping(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** `value`'s leaves as dotted names: mappings are walked, anything else is a leaf. */
export function flatten(value: Readonly<Record<string, unknown>>, prefix = '', into = new Map<string, ResultCell>()): Map<string, ResultCell> {
  for (const [key, item] of Object.entries(value)) {
    const name = prefix === '' ? key : `${prefix}.${key}`;
    if (isPlainMapping(item)) flatten(item, name, into);
    else if (item !== undefined) into.set(name, item as ResultCell);
  }
  return into;
}

/** A parameter named like a fixed column (runs often have an `id`) is told apart as `param.<name>`. */
function paramName(name: string): string {
  return (FIXED as readonly string[]).includes(name) ? `param.${name}` : name;
}

/** The result the run's current attempt left, if any. */
function currentResult(record: RunRecord | undefined): Readonly<Record<string, unknown>> | undefined {
  return record?.attempts.find((a) => a.attempt === record.attempt && a.cycle === record.cycle)?.result;
}

/** Reads the results of the ensemble configured by `config`. */
export async function readResults(config: string, options: ResultsOptions = {}): Promise<ResultsTable> {
  const view = await readEnsembleView(config, options);
  const wanted = options.batches !== undefined && options.batches.length > 0 ? new Set(options.batches) : undefined;
  const runs: Array<{ id: string; batch: string; params: Readonly<Record<string, unknown>> }> = [];
  const seen = new Set<string>();
  for (const batch of view.ensemble?.batches ?? []) {
    for (const run of batch.runs) {
      runs.push({ id: run.id, batch: batch.name, params: run.values });
      seen.add(run.id);
    }
  }
  // Runs the journal knows that the configuration no longer has (or could not be read) show too, with the parameters
  // their last preparation journaled.
  for (const record of view.state.runs.values()) if (!seen.has(record.id)) runs.push({ id: record.id, batch: record.batch, params: record.values ?? {} });

  const paramColumns = new Set<string>();
  const resultColumns = new Set<string>();
  const flat = runs
    .filter((run) => wanted === undefined || wanted.has(run.batch))
    .map((run) => {
      const record = view.state.runs.get(run.id);
      const params = new Map([...flatten(run.params)].map(([name, value]) => [paramName(name), value] as const));
      const result = flatten(currentResult(record) ?? {});
      for (const name of params.keys()) paramColumns.add(name);
      for (const name of result.keys()) resultColumns.add(name);
      return { run, record, params, result };
    });
  // A result named like a parameter or a fixed column is told apart as `result.<name>`.
  const taken = new Set<string>([...FIXED, ...paramColumns]);
  const resultName = (name: string): string => (taken.has(name) ? `result.${name}` : name);
  const rows = flat.map(({ run, record, params, result }) => {
    const row: Record<string, ResultCell> = { id: run.id, batch: run.batch, state: record?.state ?? 'not started' };
    if (record) row.attempt = record.attempt;
    for (const [name, value] of params) row[name] = value;
    for (const [name, value] of result) row[resultName(name)] = value;
    return row;
  });
  return {
    file: view.file,
    stateDir: view.stateDir,
    columns: [...FIXED, ...paramColumns, ...[...resultColumns].map(resultName)],
    rows,
    configProblem: view.configProblem,
    ownerProblem: view.ownerProblem,
  };
}
