// Metrics per batch, derived from the journal: runs counted by state, and statistics of run durations (job start
// to job end, from the job's own markers) and queue waits (submission to job start). Kept up to date from each
// journaled change and rebuilt by replay, so a resumed ensemble has the same metrics; rules, `when:` conditions,
// `status` and the report read them.
import { FINAL_RUN_STATES, type AttemptRecord, type RunRecord, type RunState } from './types.js';

/** The count metrics a run's state adds to. */
type Category = 'pending' | 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'skipped';

const CATEGORY: Readonly<Record<RunState, Category>> = {
  pending: 'pending',
  preparing: 'pending',
  pre_run: 'pending',
  submitting: 'queued',
  queued: 'queued',
  running: 'running',
  post_run: 'running',
  succeeded: 'succeeded',
  failed: 'failed',
  cancelled: 'cancelled',
  skipped: 'skipped',
};

/** Statistics of a series of seconds. */
export interface SeriesStats {
  readonly count: number;
  readonly mean: number;
  /** The sample variance (n − 1); 0 for a single value. */
  readonly variance: number;
  readonly min: number;
  readonly max: number;
  readonly median: number;
  readonly p90: number;
  /** p75 − p25. */
  readonly iqr: number;
}

/** The q-quantile (0..1) of sorted values, interpolated linearly between the two nearest (numpy's default). */
function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  const high = Math.ceil(at);
  return (sorted[low] as number) + ((sorted[high] as number) - (sorted[low] as number)) * (at - low);
}

/** The statistics of `values` (seconds); NaN where there is none. */
export function summarizeSeries(values: readonly number[]): SeriesStats {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  const mean = n === 0 ? Number.NaN : sorted.reduce((sum, v) => sum + v, 0) / n;
  const variance = n === 0 ? Number.NaN : n === 1 ? 0 : sorted.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (n - 1);
  return {
    count: n,
    mean,
    variance,
    min: n === 0 ? Number.NaN : (sorted[0] as number),
    max: n === 0 ? Number.NaN : (sorted[n - 1] as number),
    median: quantile(sorted, 0.5),
    p90: quantile(sorted, 0.9),
    iqr: quantile(sorted, 0.75) - quantile(sorted, 0.25),
  };
}

/** Seconds between two ISO times, or undefined when either is missing. */
function seconds(from: string | undefined, to: string | undefined): number | undefined {
  if (from === undefined || to === undefined) return undefined;
  const ms = Date.parse(to) - Date.parse(from);
  return Number.isFinite(ms) ? Math.max(0, ms / 1000) : undefined;
}

/** How long an attempt's job ran and waited in the queue, in seconds, where its times are known. */
export function attemptTimes(attempt: AttemptRecord): { duration?: number; queueWait?: number } {
  const duration = seconds(attempt.jobStart, attempt.jobEnd);
  const queueWait = seconds(attempt.submitted, attempt.jobStart);
  return { ...(duration !== undefined ? { duration } : {}), ...(queueWait !== undefined ? { queueWait } : {}) };
}

/** One batch's metrics. */
export class BatchMetrics {
  readonly counts: Record<Category, number> = { pending: 0, queued: 0, running: 0, succeeded: 0, failed: 0, cancelled: 0, skipped: 0 };
  readonly durations: number[] = [];
  readonly queueWaits: number[] = [];
  private cached: { duration: SeriesStats; queue_wait: SeriesStats } | undefined;

  /** `total`: the runs the batch has in the configuration (selected by -k/-i). */
  constructor(public total: number) {}

  /** Runs finished: succeeded, failed, cancelled or skipped. */
  get done(): number {
    return this.counts.succeeded + this.counts.failed + this.counts.cancelled + this.counts.skipped;
  }

  /** Adds an attempt whose job has ended. */
  addAttempt(attempt: AttemptRecord): void {
    const { duration, queueWait } = attemptTimes(attempt);
    if (duration !== undefined) this.durations.push(duration);
    if (queueWait !== undefined) this.queueWaits.push(queueWait);
    this.cached = undefined;
  }

  /** The value of metric `name` (`succeeded`, `done_fraction`, `duration.p90`, ...); NaN when it has none yet. */
  value(name: string): number {
    if (name === 'total') return this.total;
    if (name === 'done') return this.done;
    if (name === 'done_fraction') return this.total === 0 ? Number.NaN : this.done / this.total;
    // Runs the journal does not know yet are pending too.
    if (name === 'pending') return Math.max(0, this.total - this.counts.queued - this.counts.running - this.done);
    if (Object.hasOwn(this.counts, name)) return this.counts[name as Category];
    const [series, stat] = name.split('.') as [string, keyof SeriesStats];
    const stats = this.stats();
    const of = series === 'duration' ? stats.duration : series === 'queue_wait' ? stats.queue_wait : undefined;
    return of?.[stat] ?? Number.NaN;
  }

  /** The statistics of durations and queue waits. */
  stats(): { duration: SeriesStats; queue_wait: SeriesStats } {
    this.cached ??= { duration: summarizeSeries(this.durations), queue_wait: summarizeSeries(this.queueWaits) };
    return this.cached;
  }
}

/** The metrics of every batch, from records and then from each change. */
export class EnsembleMetrics {
  readonly batches = new Map<string, BatchMetrics>();
  private readonly categories = new Map<string, Category>();

  /** `totals`: each batch's configured (selected) run count, by name; `records`: what the journal knows. */
  constructor(totals: ReadonlyMap<string, number>, records: Iterable<RunRecord>) {
    for (const [name, total] of totals) this.batches.set(name, new BatchMetrics(total));
    for (const record of records) {
      const metrics = this.batches.get(record.batch);
      if (!metrics) continue;
      this.move(record.id, metrics, CATEGORY[record.state]);
      for (const attempt of record.attempts) if (attempt.jobEnd !== undefined) metrics.addAttempt(attempt);
    }
  }

  /** Takes a journaled change of `record` into account; `jobEnded`: the change carried the job's end. */
  update(record: RunRecord, jobEnded: boolean): void {
    const metrics = this.batches.get(record.batch);
    if (!metrics) return;
    this.move(record.id, metrics, CATEGORY[record.state]);
    if (jobEnded) {
      const attempt = record.attempts.find((a) => a.attempt === record.attempt && a.cycle === record.cycle);
      if (attempt) metrics.addAttempt(attempt);
    }
  }

  /** The value of `<batch>.<name>`; NaN for a batch or metric with none. */
  value(batch: string, name: string): number {
    return this.batches.get(batch)?.value(name) ?? Number.NaN;
  }

  /** Runs of the batches `names` that have finished, together (what a rule's `every` counts). */
  finished(names: Iterable<string>): number {
    let total = 0;
    for (const name of names) total += this.batches.get(name)?.done ?? 0;
    return total;
  }

  private move(id: string, metrics: BatchMetrics, to: Category): void {
    const from = this.categories.get(id);
    if (from === to) return;
    if (from !== undefined) metrics.counts[from]--;
    metrics.counts[to]++;
    this.categories.set(id, to);
  }
}

/** Whether a state is one a run ends in. */
export function isFinished(state: RunState): boolean {
  return FINAL_RUN_STATES.has(state);
}
