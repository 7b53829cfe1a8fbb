// Read-only questions about an ensemble's state, for `status`: counts by state per batch and one row per run.
// They read the journal (never the lock), so they work while another process runs the ensemble.
import { EnsembleMetrics, type SeriesStats } from './metrics.js';
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

/** A batch's metrics, as rules and `when:` read them (README: Metrics); NaN (null in JSON) where none yet. */
export interface BatchMetricsRow {
  readonly total: number;
  readonly done: number;
  readonly done_fraction: number;
  readonly pending: number;
  readonly queued: number;
  readonly running: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly cancelled: number;
  readonly skipped: number;
  /** Seconds from each job's start to its end, from its own markers. */
  readonly duration: SeriesStats;
  /** Seconds from each job's submission to its start. */
  readonly queue_wait: SeriesStats;
}

/** A batch as status shows it. */
export interface BatchRow {
  readonly name: string;
  readonly counts: Readonly<Record<string, number>>;
  readonly metrics: BatchMetricsRow;
  readonly cycle: number | undefined;
  readonly phase: string | undefined;
  readonly failure: string | undefined;
  /** Why the batch did not run (an after_success batch that failed, a `when` that never held). */
  readonly skipped: string | undefined;
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

function metricsRow(metrics: EnsembleMetrics, batch: string): BatchMetricsRow {
  const value = (name: string): number => metrics.value(batch, name);
  const stats = metrics.batches.get(batch)?.stats();
  const none = { count: 0, mean: Number.NaN, variance: Number.NaN, min: Number.NaN, max: Number.NaN, median: Number.NaN, p90: Number.NaN, iqr: Number.NaN };
  return {
    total: value('total'),
    done: value('done'),
    done_fraction: value('done_fraction'),
    pending: value('pending'),
    queued: value('queued'),
    running: value('running'),
    succeeded: value('succeeded'),
    failed: value('failed'),
    cancelled: value('cancelled'),
    skipped: value('skipped'),
    duration: stats?.duration ?? none,
    queue_wait: stats?.queue_wait ?? none,
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
  const metrics = new EnsembleMetrics(new Map(batches.map(({ name, runs }) => [name, runs.length])), state.runs.values());
  return batches.map(({ name, runs }) => {
    const rows = runs.map((run) => rowOf(run.id, run.idx, name, state.runs.get(run.id)));
    const counts: Record<string, number> = {};
    for (const row of rows) counts[row.state] = (counts[row.state] ?? 0) + 1;
    const batch = state.batches.get(name);
    return { name, counts, metrics: metricsRow(metrics, name), cycle: batch?.cycle, phase: batch?.phase, failure: batch?.failure, skipped: batch?.skipped, runs: rows };
  });
}
