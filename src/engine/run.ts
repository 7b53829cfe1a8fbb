// One run, through the pipeline: prepare the directory → pre_run → submit (within maxjobs) → wait → post_run, and
// again for each retry the batch's policy allows. Every step is a state change recorded before the step acts, so
// a later start resumes each run from where its journal stands: a job in the scheduler is watched again, never
// submitted twice. A failure is data (the run ends `failed` with a reason and a code), never a throw; Ctrl-C
// leaves the run where it stood.
import fs from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Batch, RunSpec } from '../config/types.js';
import { codeOf, EnsembleError, isAbortError, StateError, type ErrorCode } from '../errors.js';
import type { JobStatus } from '../executors/types.js';
import { runTasks } from '../tasks/runner.js';
import type { RunEntry, RunRecord } from '../state/types.js';
import { readResult } from './result.js';
import { buildRunContext } from './context.js';
import { submitAndWait } from './job.js';
import type { BatchPlan } from './plan.js';
import { pathExists, prepareRunDirectory, renderInputs, type RenderedInputs } from './prepare.js';
import { retryDecision } from './retry.js';
import { runTaskContext } from './task-context.js';
import type { RunEnv } from './types.js';

/** Where an attempt (re)starts: its step, and how many tasks of that step's list an earlier try of it finished. */
interface Start {
  readonly step: 'prepare' | 'job' | 'post_run';
  readonly done: number;
}

/** Why an attempt failed, as its journal line records it. */
interface Failure {
  readonly reason: string;
  readonly code: ErrorCode;
  readonly jobState?: string;
  readonly exit?: number;
}

/** The failure of a finished job, or undefined when it succeeded. */
function jobFailure(status: JobStatus): Failure | undefined {
  if (status.state === 'COMPLETED' && (status.exitCode ?? 0) === 0) return undefined;
  const reason = status.reason
    ? status.state === 'FAILED' || status.reason.startsWith(status.state)
      ? status.reason
      : `${status.state}: ${status.reason}`
    : status.exitCode !== undefined
      ? `${status.state}, exit ${status.exitCode}`
      : status.state;
  return { reason, code: 'ERR_JOB_FAILED', jobState: status.state, ...(status.exitCode !== undefined ? { exit: status.exitCode } : {}) };
}

/** One attempt's context, built once, and its templates, rendered at most once. */
class Attempt {
  readonly values: Record<string, unknown>;
  private rendered: RenderedInputs | undefined;

  constructor(
    env: RunEnv,
    private readonly plan: BatchPlan,
    spec: RunSpec,
    cycle: number,
    readonly number: number,
  ) {
    this.values = buildRunContext(env.ensemble, plan.batch, spec, env.options.extraVars, cycle, number);
  }

  /** The rendered templates; throws TemplateError. */
  inputs(): RenderedInputs {
    this.rendered ??= renderInputs(this.plan, this.values);
    return this.rendered;
  }
}

/**
 * Brings the run's record to the start of work in `cycle` and says where to start; undefined when the run is
 * already finished in this cycle (succeeded, failed, cancelled) and must not be redone.
 */
async function resumePoint(env: RunEnv, batch: Batch, spec: RunSpec, cycle: number): Promise<Start | undefined> {
  const { machine } = env;
  const record = machine.get(spec.id);
  if (!record || record.cycle !== cycle) {
    await machine.move({ run: spec.id, state: 'pending', batch: batch.name, idx: spec.idx, dir: spec.dir, cycle, attempt: 1 });
    return { step: 'prepare', done: 0 };
  }
  const done = record.tasksDone ?? 0;
  switch (record.state) {
    case 'succeeded':
    case 'failed':
    case 'cancelled':
      return undefined;
    case 'skipped':
    case 'preparing':
      await machine.move({ run: spec.id, state: 'pending', reason: `resumed from ${record.state}` });
      return { step: 'prepare', done: 0 };
    case 'pre_run':
      // Prepared again (the same inputs), then pre_run from the first task whose end was not journaled.
      await machine.move({ run: spec.id, state: 'pending', reason: `resumed from ${record.state}` });
      return { step: 'prepare', done };
    case 'pending':
      return { step: 'prepare', done: 0 };
    case 'submitting':
    case 'queued':
    case 'running':
      return { step: 'job', done: 0 };
    case 'post_run':
      return { step: 'post_run', done };
  }
}

/**
 * Runs run `spec` of `cycle` to its end (all the attempts its retry policy allows) and returns its record;
 * resolves with the run still in flight when the ensemble is stopped.
 */
export async function executeRun(env: RunEnv, plan: BatchPlan, spec: RunSpec, cycle: number): Promise<RunRecord> {
  env.active.add(spec.id);
  try {
    return await attemptRun(env, plan, spec, cycle);
  } finally {
    env.active.delete(spec.id);
  }
}

async function attemptRun(env: RunEnv, plan: BatchPlan, spec: RunSpec, cycle: number): Promise<RunRecord> {
  const { options, machine } = env;
  const { batch } = plan;
  const id = spec.id;
  const current = (): RunRecord => machine.get(id) as RunRecord;
  // A run cut off while its directory was being made: the first pass below may have to make it again.
  let cutWhilePreparing = machine.get(id)?.cycle === cycle && machine.get(id)?.state === 'preparing';
  let start = await resumePoint(env, batch, spec, cycle);
  let attempt = new Attempt(env, plan, spec, cycle, current().attempt);

  const cancelIfRequested = async (): Promise<RunRecord | undefined> =>
    env.cancels.has(id) ? machine.move({ run: id, state: 'cancelled', reason: 'cancelled by request' }) : undefined;

  while (start !== undefined && !options.stop.aborted) {
    const cancelled = await cancelIfRequested();
    if (cancelled) return cancelled;
    const record = current();
    if (attempt.number !== record.attempt) attempt = new Attempt(env, plan, spec, cycle, record.attempt);
    const taskCtx = runTaskContext(env, batch, attempt.values, record.dir);
    // A task list goes on from the first task whose end was not journaled; each end is journaled as it comes.
    const tasks = (state: 'pre_run' | 'post_run', from: number) => ({
      noChecks: options.noChecks,
      signal: options.abort,
      stop: options.stop,
      from,
      onDone: async (done: number) => void (await machine.move({ run: id, state, done })),
    });
    let failure: Failure | undefined;
    // What the job's end brings to the next journal line: its times, and the run's results.
    let ended: Partial<RunEntry> = {};
    try {
      if (start.step === 'prepare') {
        // A directory this run made and was cut off while making holds only our copy: it is made again whole.
        // One that existed before (-p, an earlier cycle or attempt) is only rendered into.
        if (cutWhilePreparing && record.fresh === true) await fs.rm(record.dir, { recursive: true, force: true });
        cutWhilePreparing = false;
        const fresh = !pathExists(record.dir);
        await machine.move({ run: id, state: 'preparing', fresh, values: spec.values });
        // Rendered before anything is written, so an undefined variable leaves no half-made directory.
        const inputs = attempt.inputs();
        await prepareRunDirectory(plan, record.dir, inputs);
        await machine.move({ run: id, state: 'pre_run', inputs: inputs.digest, ...(start.done > 0 ? { done: start.done } : {}) });
        await runTasks(batch.preRun, taskCtx, tasks('pre_run', start.done));
        const cancelledNow = await cancelIfRequested();
        if (cancelledNow) return cancelledNow;
        if (options.stop.aborted) return await machine.move({ run: id, state: 'pending', reason: 'stopped before submission' });
        if (options.noSubmission) {
          const what = batch.jobFile ? `would submit ${batch.jobFile} in ${record.dir}` : 'no job file';
          return await machine.move({ run: id, state: 'skipped', reason: `not submitted (-s): ${what}` });
        }
      }
      if (start.step !== 'post_run' && batch.jobFile !== undefined) {
        const wait = await submitAndWait(env, batch, current(), batch.jobFile, cycle);
        if (wait.stopped) return current();
        const cancelledNow = await cancelIfRequested();
        if (cancelledNow) return cancelledNow;
        failure = jobFailure(wait.status);
        const result = failure ? undefined : await readResult(env, record.dir, batch.resultFile, id);
        ended = { ...wait.times, ...(result !== undefined ? { result } : {}) };
      }
      if (!failure) {
        const from = start.step === 'post_run' ? start.done : 0;
        if (current().state !== 'post_run') await machine.move({ run: id, state: 'post_run', ...ended });
        await runTasks(batch.postRun, taskCtx, tasks('post_run', from));
        return await machine.move({ run: id, state: 'succeeded' });
      }
    } catch (error) {
      // The journal could not be written: nothing more may be recorded or done; the orchestrator stops.
      if (error instanceof StateError) throw error;
      if (isAbortError(error) && (options.stop.aborted || options.abort.aborted)) return current();
      if (!(error instanceof EnsembleError)) options.logger.debug(`run ${id}: ${(error as Error).stack ?? String(error)}`);
      failure = { reason: error instanceof Error ? error.message : String(error), code: codeOf(error) };
    }

    await machine.move({ run: id, state: 'failed', ...failure, ...ended });
    if (!retryDecision(batch.retry, record.attempt, failure.jobState).retry) return current();
    options.logger.info(`run ${id}: ${failure.jobState ?? 'failure'} is retried (attempt ${record.attempt + 1} of ${batch.retry.max + 1}) in ${batch.retry.backoff} s`);
    // The next attempt is journaled before the backoff, so a stop or crash meanwhile still leaves it to do.
    await machine.move({ run: id, state: 'pending', attempt: record.attempt + 1, reason: `retry after ${failure.jobState ?? 'failure'}` });
    try {
      if (batch.retry.backoff > 0) await sleep(batch.retry.backoff * 1000, undefined, { signal: options.stop });
    } catch {
      return current();
    }
    start = { step: 'prepare', done: 0 };
  }
  return current();
}
