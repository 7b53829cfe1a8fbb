// Read-only questions about an ensemble's state, for `status`: counts by state per batch and one row per run.
// They read the journal (never the lock), so they work while another process runs the ensemble.
import type { EnsembleState, RunRecord, RunState } from './types.js';

/** A run as status shows it. */
export interface RunRow {
  readonly id: string;
  readonly batch: string;
  readonly idx: number;
  /** `not started` for a configured run the journal does not know yet. */
  readonly state: RunState | 'not started';
  readonly cycle: number | undefined;
  readonly attempts: number;
  readonly job: string | undefined;
  /** When the current attempt started and ended (ISO times). */
  readonly started: string | undefined;
  readonly ended: string | undefined;
  readonly reason: string | undefined;
  /** The error code of the current attempt's failure (README: Error codes). */
  readonly code: string | undefined;
  /** Every attempt, with how it ended. */
  readonly history: RunRecord['attempts'];
}

/** A batch as status shows it. */
export interface BatchRow {
  readonly name: string;
  readonly counts: Readonly<Record<string, number>>;
  readonly cycle: number | undefined;
  readonly phase: string | undefined;
  readonly failure: string | undefined;
  readonly runs: readonly RunRow[];
}

/** The batches and run ids the configuration has, in order, or undefined to show only what the journal knows. */
export type Layout = ReadonlyArray<{ readonly name: string; readonly runs: ReadonlyArray<{ readonly id: string; readonly idx: number }> }>;

function rowOf(id: string, idx: number, batch: string, record: RunRecord | undefined): RunRow {
  const current = record?.attempts.find((a) => a.attempt === record.attempt);
  return {
    id,
    batch,
    idx: record?.idx ?? idx,
    state: record?.state ?? 'not started',
    cycle: record?.cycle,
    attempts: record?.attempts.length ?? 0,
    job: record?.job ?? current?.job,
    started: current?.started,
    ended: current?.ended,
    reason: record?.reason ?? current?.reason,
    code: current?.code,
    history: record?.attempts ?? [],
  };
}

/** The status of every batch: the configuration's layout when given, else the journal's. */
export function summarize(state: EnsembleState, layout?: Layout): BatchRow[] {
  const batches: Layout =
    layout ??
    [...new Set([...state.runs.values()].map((r) => r.batch))].map((name) => ({
      name,
      runs: [...state.runs.values()].filter((r) => r.batch === name).sort((a, b) => a.idx - b.idx).map((r) => ({ id: r.id, idx: r.idx })),
    }));
  return batches.map(({ name, runs }) => {
    const rows = runs.map((run) => rowOf(run.id, run.idx, name, state.runs.get(run.id)));
    const counts: Record<string, number> = {};
    for (const row of rows) counts[row.state] = (counts[row.state] ?? 0) + 1;
    const batch = state.batches.get(name);
    return { name, counts, cycle: batch?.cycle, phase: batch?.phase, failure: batch?.failure, runs: rows };
  });
}
