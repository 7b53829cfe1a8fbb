// One batch: pre_batch, its runs (at most maxruns at once), post_batch; again while a repeating batch's pre_batch
// succeeds. A run failing never stops its batch; a pre_batch or post_batch failure does. Each phase is journaled,
// so a restart skips a pre_batch that already ran for the cycle in progress and a batch that is done.
import fs from 'node:fs/promises';
import { isAbortError } from '../errors.js';
import type { RunSpec } from '../config/types.js';
import { runTasks } from '../tasks/runner.js';
import type { RunRecord } from '../state/types.js';
import { reportDrift } from './drift.js';
import type { BatchPlan } from './plan.js';
import { batchTaskContext } from './task-context.js';
import type { RunEnv } from './types.js';

/** How a batch ended. */
export interface BatchOutcome {
  readonly runs: RunRecord[];
  /** Why the batch was stopped (pre_batch of a non-repeating batch, or post_batch, failed). */
  readonly failure: string | undefined;
  /** The journal showed the batch done: nothing was run. */
  readonly alreadyDone?: boolean;
}

/** Whether a batch ended with every run it was to run succeeded, and no failure (what after_success waits for). */
export function succeededWhole(outcome: BatchOutcome, expected: number): boolean {
  return outcome.failure === undefined && outcome.runs.length >= expected && outcome.runs.every((run) => run.state === 'succeeded');
}

/** The runs of a batch this invocation runs: all but the first `skips`, and only `indexes` when given. */
export function selectRuns(runs: readonly RunSpec[], skips: number, indexes: readonly number[] | undefined): RunSpec[] {
  return runs.filter((run) => run.idx >= skips && (indexes === undefined || indexes.includes(run.idx)));
}

/** Runs finished in `cycle` (succeeded, failed or cancelled): they are not redone. */
function finishedIn(env: RunEnv, specs: readonly RunSpec[], cycle: number): RunRecord[] {
  return specs.flatMap((spec) => {
    const record = env.machine.get(spec.id);
    return record && record.cycle === cycle && ['succeeded', 'failed', 'cancelled'].includes(record.state) ? [record] : [];
  });
}

/** Runs a batch to its end (or until the ensemble is stopped). */
export async function runBatch(env: RunEnv, plan: BatchPlan): Promise<BatchOutcome> {
  const { options } = env;
  const { batch } = plan;
  const log = options.logger;
  const store = options.store;
  const ctx = batchTaskContext(env, batch);
  const finished = new Map<string, RunRecord>();
  let candidates = selectRuns(batch.runs, options.skips, options.indexes);
  if (candidates.length < batch.runs.length) log.info(`batch ${batch.name}: ${candidates.length} of ${batch.runs.length} runs selected (-k/-i)`);

  // Where the journal left the batch: the cycle in progress, whether its pre_batch already ran, and how many tasks
  // of the list it was in had ended (they are not run again).
  // A batch skipped at an earlier start is judged again, and runs now from its first cycle.
  const recorded = store.state.batches.get(batch.name);
  const known = recorded?.skipped !== undefined ? undefined : recorded;
  let cycle = known?.cycle ?? 1;
  let preBatchDone = known?.phase === 'runs' || known?.phase === 'post_batch';
  const resumeFrom = known?.phase === 'pre_batch' || known?.phase === 'post_batch' ? (known.done ?? 0) : 0;
  /** The options of one of the batch's task lists, journaling each task's end as it comes. */
  const tasks = (phase: 'pre_batch' | 'post_batch', from: number, thisCycle: number) => ({
    noChecks: options.noChecks,
    signal: options.abort,
    stop: options.stop,
    from,
    onDone: (done: number) => store.note({ kind: 'batch', batch: batch.name, cycle: thisCycle, phase, done }),
  });
  if (known?.phase === 'ended') {
    if (batch.repeat && known.failure === undefined) cycle++;
    else if (!batch.repeat && known.failure === undefined && finishedIn(env, candidates, cycle).length === candidates.length) {
      log.info(`batch ${batch.name}: already done`);
      reportDrift(env, plan, candidates, cycle);
      return { runs: finishedIn(env, candidates, cycle), failure: undefined, alreadyDone: true };
    }
  }
  await fs.mkdir(batch.basedir, { recursive: true, mode: 0o755 });

  for (; !options.stop.aborted; cycle++) {
    if (batch.repeat) log.info(`batch ${batch.name}: cycle ${cycle}`);
    if (!preBatchDone) {
      const from = known?.phase === 'pre_batch' && known.cycle === cycle ? resumeFrom : 0;
      await store.note({ kind: 'batch', batch: batch.name, cycle, phase: 'pre_batch', ...(from > 0 ? { done: from } : {}) });
      try {
        await runTasks(batch.preBatch, ctx, tasks('pre_batch', from, cycle));
      } catch (error) {
        if (isAbortError(error)) break;
        const reason = `pre_batch failed: ${(error as Error).message}`;
        await store.note({ kind: 'batch', batch: batch.name, cycle, phase: 'ended', failure: reason });
        if (batch.repeat) {
          log.info(`batch ${batch.name}: ${reason}; the repeating batch ends after ${cycle - 1} cycle(s)`);
          return { runs: [...finished.values()], failure: undefined };
        }
        log.error(`batch ${batch.name}: ${reason}; its runs are skipped`);
        return { runs: [...finished.values()], failure: reason };
      }
      await store.note({ kind: 'batch', batch: batch.name, cycle, phase: 'runs' });
    }
    preBatchDone = false;

    const done = finishedIn(env, candidates, cycle).length;
    if (done > 0) log.info(`batch ${batch.name}: ${done} of ${candidates.length} runs already finished, not redone`);
    reportDrift(env, plan, candidates, cycle);
    const thisCycle = cycle;
    const results = await env.dispatcher.run(plan, candidates, thisCycle);
    for (const record of results) finished.set(record.id, record);
    if (options.stop.aborted) break;

    let failure: string | undefined;
    const from = known?.phase === 'post_batch' && known.cycle === cycle ? resumeFrom : 0;
    await store.note({ kind: 'batch', batch: batch.name, cycle, phase: 'post_batch', ...(from > 0 ? { done: from } : {}) });
    try {
      await runTasks(batch.postBatch, ctx, tasks('post_batch', from, cycle));
    } catch (error) {
      if (isAbortError(error)) break;
      failure = `post_batch failed: ${(error as Error).message}`;
      log.error(`batch ${batch.name}: ${failure}`);
    }
    await store.note({ kind: 'batch', batch: batch.name, cycle, phase: 'ended', ...(failure ? { failure } : {}) });
    if (failure !== undefined) return { runs: [...finished.values()], failure };
    if (!batch.repeat || options.noSubmission || env.stopped.has(batch.name)) break;
    // As model-ensembler does, a run that failed in a cycle is left out of the next ones.
    const failed = new Set(results.filter((r) => r.state === 'failed').map((r) => r.id));
    if (failed.size > 0) log.warn(`batch ${batch.name}: ${failed.size} failed run(s) left out of the next cycles`);
    candidates = candidates.filter((spec) => !failed.has(spec.id));
    if (candidates.length === 0) {
      log.warn(`batch ${batch.name}: no runs left to repeat`);
      break;
    }
  }
  return { runs: [...finished.values()], failure: undefined };
}
