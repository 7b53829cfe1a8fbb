// Which batches run when. Each batch waits for the batches it names (`after`: they finished; `after_success`: they
// finished with every run succeeded, else it is skipped) and for its `when` condition; without these it follows the
// batch above it, so every model-ensembler configuration keeps its order. Every batch whose conditions hold starts,
// so independent batches run at once, their runs sharing the dispatcher's limits. The scheduler judges again after
// each batch ends and each journaled run change (the metrics `when` reads), until no batch can start.
import type { BatchStart } from '../config/types.js';
import { holds } from '../config/expression.js';
import { runBatch, succeededWhole, type BatchOutcome } from './batch.js';
import type { BatchPlan } from './plan.js';
import type { RunEnv } from './types.js';

/** What became of a batch. */
export interface BatchResult {
  readonly plan: BatchPlan;
  /** How it ran; undefined when it did not run. */
  readonly outcome: BatchOutcome | undefined;
  /** Why it did not run, when it was skipped. */
  readonly skipped?: string;
}

type Verdict = { readonly start: true } | { readonly start: false; readonly skip?: string };

/** Runs the batches of `plans`, each as its conditions allow; resolves when none can start any more. */
export class BatchScheduler {
  private readonly state = new Map<string, 'waiting' | 'running' | 'finished' | 'skipped'>();
  private readonly results = new Map<string, BatchResult>();
  /** Batches a rule started, whatever their own conditions. */
  private readonly forced = new Set<string>();
  private running = 0;
  private resolve: ((results: BatchResult[]) => void) | undefined;
  private reject: ((error: unknown) => void) | undefined;

  constructor(
    private readonly env: RunEnv,
    private readonly plans: readonly BatchPlan[],
    /** Each batch's run count this invocation runs (-k/-i applied), for after_success. */
    private readonly expected: ReadonlyMap<string, number>,
  ) {
    for (const plan of plans) this.state.set(plan.batch.name, 'waiting');
  }

  /** Runs every batch that can run; resolves with what became of each, in file order. */
  run(): Promise<BatchResult[]> {
    return new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
      this.judge();
    });
  }

  /** Starts batch `name` now, whatever its conditions (a rule's `start`). */
  force(name: string): void {
    this.forced.add(name);
    this.judge();
  }

  /** Whether batch `name` is still to start. */
  isWaiting(name: string): boolean {
    return this.state.get(name) === 'waiting';
  }

  /** Judges every waiting batch again: after a batch ended, a run changed, a rule fired. */
  judge(): void {
    if (!this.resolve) return;
    const stopping = this.env.options.stop.aborted;
    let changed = true;
    while (changed && !stopping) {
      changed = false;
      for (const plan of this.plans) {
        const name = plan.batch.name;
        if (this.state.get(name) !== 'waiting') continue;
        const verdict = this.verdict(plan);
        if (verdict.start) {
          this.start(plan);
          changed = true;
        } else if (verdict.skip !== undefined) {
          this.skip(plan, verdict.skip);
          changed = true;
        }
      }
    }
    if (this.running > 0) return;
    // Nothing runs, so nothing can change: a batch still waiting never starts (unless the ensemble was stopped).
    if (!stopping) {
      for (const plan of this.plans) {
        if (this.state.get(plan.batch.name) === 'waiting') this.skip(plan, this.neverStarted(plan.batch.start));
      }
    }
    const resolve = this.resolve;
    this.resolve = undefined;
    resolve(this.plans.map((plan) => this.results.get(plan.batch.name) ?? { plan, outcome: undefined }));
  }

  private verdict(plan: BatchPlan): Verdict {
    const { start, name } = plan.batch;
    if (this.forced.has(name)) return { start: true };
    if (this.env.stopped.has(name)) return { start: false, skip: 'stopped by a rule before it started' };
    for (const other of start.afterSuccess) {
      const state = this.state.get(other);
      if (state === 'skipped') return { start: false, skip: `after_success: batch ${other} was skipped` };
      if (state !== 'finished') return { start: false };
      const outcome = this.results.get(other)?.outcome;
      if (!outcome || !succeededWhole(outcome, this.expected.get(other) ?? 0)) {
        const failed = outcome ? outcome.runs.filter((run) => run.state !== 'succeeded').length : 0;
        const why = outcome?.failure ?? `${failed} of its runs did not succeed`;
        return { start: false, skip: `after_success: batch ${other} did not succeed (${why})` };
      }
    }
    for (const other of start.after) {
      const state = this.state.get(other);
      if (state !== 'finished' && state !== 'skipped') return { start: false };
    }
    if (start.when && !holds(start.when.expr, (batch, metric) => this.env.metrics.value(batch, metric))) return { start: false };
    return { start: true };
  }

  /** Why a batch never started though nothing else could run. */
  private neverStarted(start: BatchStart): string {
    return start.when ? `its condition "${start.when.text}" never held` : 'the batches it waits for did not finish';
  }

  private start(plan: BatchPlan): void {
    const name = plan.batch.name;
    this.state.set(name, 'running');
    this.running++;
    const { runs, sweepCount, maxruns, maxjobs } = plan.batch;
    const made = sweepCount > 0 ? ` (${sweepCount === runs.length ? 'all' : sweepCount} from its sweep)` : '';
    this.env.options.logger.info(`batch ${name}: ${runs.length} runs${made}, at most ${maxruns} at once, ${maxjobs} jobs`);
    runBatch(this.env, plan).then(
      (outcome) => {
        this.results.set(name, { plan, outcome });
        this.state.set(name, 'finished');
        this.running--;
        this.judge();
      },
      (error: unknown) => {
        this.running--;
        this.reject?.(error);
        this.resolve = undefined;
      },
    );
  }

  private skip(plan: BatchPlan, why: string): void {
    const name = plan.batch.name;
    this.state.set(name, 'skipped');
    this.results.set(name, { plan, outcome: undefined, skipped: why });
    this.env.options.logger.info(`batch ${name}: skipped, ${why}`);
    void this.env.options.store.note({ kind: 'batch', batch: name, cycle: 1, phase: 'ended', skipped: why }).catch((error: unknown) => {
      this.reject?.(error);
      this.resolve = undefined;
    });
  }
}
