// One run, through the pipeline: prepare the directory → pre_run → submit (within maxjobs) → wait → post_run, and
// again for each retry the batch's policy allows. Every step is a state change recorded before the step acts, so
// a later start resumes each run from where its journal stands: a job in the scheduler is watched again, never
// submitted twice. A failure is data (the run ends `failed` with a reason), never a throw; Ctrl-C leaves the run
// where it stood.
import fs from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Batch, Ensemble, RunSpec } from '../config/types.js';
import { EnsembleError, isAbortError } from '../errors.js';
import type { JobStatus } from '../executors/types.js';
import { runTasks } from '../tasks/runner.js';
import { FINAL_RUN_STATES, type RunRecord } from '../state/types.js';
import { buildRunContext, runDirectory, runId } from './context.js';
import { submitAndWait, type JobWait } from './job.js';
import type { JobSlots } from './limits.js';
import type { JobMonitor } from './monitor.js';
import type { BatchPlan } from './plan.js';
import { pathExists, prepareRunDirectory, renderInputs } from './prepare.js';
import type { CancelRequests } from './control.js';
import { retryDecision } from './retry.js';
import type { RunMachine } from './run-machine.js';
import { runTaskContext } from './task-context.js';
import type { EngineOptions } from './types.js';

/** What every run of an ensemble shares. */
export interface RunEnv {
  readonly options: EngineOptions;
  readonly ensemble: Ensemble;
  readonly machine: RunMachine;
  readonly monitor: JobMonitor;
  readonly slots: JobSlots;
  /** Runs a `cancel` request named while this process runs: they stop at their next step. */
  readonly cancels: CancelRequests;
}

/** Where an attempt (re)starts. */
type Start = 'prepare' | 'job' | 'post_run';

/** The message of a step's failure, for the run's reason. */
function reasonOf(error: unknown): string {
  return error instanceof EnsembleError ? error.message : String((error as Error | undefined)?.message ?? error);
}

/** Why a finished job is a failure, or undefined when it succeeded. */
function jobFailure(status: JobStatus): string | undefined {
  if (status.state === 'COMPLETED' && (status.exitCode ?? 0) === 0) return undefined;
  if (status.reason) return status.state === 'FAILED' || status.reason.startsWith(status.state) ? status.reason : `${status.state}: ${status.reason}`;
  return status.exitCode !== undefined ? `${status.state}, exit ${status.exitCode}` : status.state;
}

/**
 * Brings the run's record to the start of work in `cycle` and says where to start; undefined when the run is
 * already finished in this cycle (succeeded, failed, cancelled) and must not be redone.
 */
async function resumePoint(env: RunEnv, batch: Batch, spec: RunSpec, cycle: number): Promise<Start | undefined> {
  const { machine } = env;
  const id = runId(batch, spec.idx);
  const record = machine.get(id);
  if (!record || record.cycle !== cycle) {
    const dir = runDirectory(batch, spec.idx);
    await machine.move({ run: id, state: 'pending', batch: batch.name, idx: spec.idx, dir, cycle, attempt: 1 });
    return 'prepare';
  }
  switch (record.state) {
    case 'succeeded':
    case 'failed':
    case 'cancelled':
      return undefined;
    case 'skipped':
    case 'preparing':
    case 'pre_run':
      await machine.move({ run: id, state: 'pending', reason: `resumed from ${record.state}` });
      return 'prepare';
    case 'pending':
      return 'prepare';
    case 'submitting':
    case 'queued':
    case 'running':
      return 'job';
    case 'post_run':
      return 'post_run';
  }
}

/** Warns when a run finished or in flight was prepared from inputs that differ from what the configuration gives now. */
function reportChangedInputs(env: RunEnv, plan: BatchPlan, spec: RunSpec, cycle: number): void {
  const record = env.machine.get(runId(plan.batch, spec.idx));
  if (!record?.inputs) return;
  const values = buildRunContext(env.ensemble, plan.batch, spec, env.options.extraVars, cycle, record.attempt);
  let digest: string;
  try {
    digest = renderInputs(plan, values).digest;
  } catch {
    return;
  }
  if (digest === record.inputs) return;
  const what = FINAL_RUN_STATES.has(record.state) ? `${record.state} with` : `is ${record.state} with`;
  env.options.logger.warn(
    `run ${record.id} ${what} inputs that differ from what the configuration renders now; it is left as it is (\`model_ensemble rerun --runs ${record.id}\` runs it again)`,
  );
}

/**
 * Runs run `spec` of `cycle` to its end (all the attempts its retry policy allows) and returns its record;
 * resolves with the run still in flight when the ensemble is stopped.
 */
export async function executeRun(env: RunEnv, plan: BatchPlan, spec: RunSpec, cycle: number): Promise<RunRecord> {
  const { options, machine } = env;
  const { batch } = plan;
  const id = runId(batch, spec.idx);
  // A run cut off while its directory was being made: the first pass below may have to make it again.
  let cutWhilePreparing = machine.get(id)?.cycle === cycle && machine.get(id)?.state === 'preparing';
  let start = await resumePoint(env, batch, spec, cycle);
  if (start !== 'prepare') reportChangedInputs(env, plan, spec, cycle);

  const cancelIfRequested = async (): Promise<RunRecord | undefined> =>
    env.cancels.has(id) ? machine.move({ run: id, state: 'cancelled', reason: 'cancelled by request' }) : undefined;

  while (start !== undefined && !options.stop.aborted) {
    const cancelled = await cancelIfRequested();
    if (cancelled) return cancelled;
    const record = machine.get(id) as RunRecord;
    const values = buildRunContext(env.ensemble, batch, spec, options.extraVars, cycle, record.attempt);
    const taskCtx = runTaskContext(env, batch, values, record.dir);
    let failure: { reason: string; jobState?: string; exit?: number } | undefined;
    try {
      if (start === 'prepare') {
        // A directory this run made and was cut off while making holds only our copy: it is made again whole.
        // One that existed before (-p, an earlier cycle or attempt) is only rendered into.
        if (cutWhilePreparing && record.fresh === true) await fs.rm(record.dir, { recursive: true, force: true });
        cutWhilePreparing = false;
        const fresh = !pathExists(record.dir);
        await machine.move({ run: id, state: 'preparing', fresh });
        const inputs = await prepareRunDirectory(plan, record.dir, values, true);
        await machine.move({ run: id, state: 'pre_run', inputs });
        await runTasks(batch.preRun, taskCtx, { noChecks: options.noChecks, signal: options.abort, stop: options.stop });
        const cancelledNow = await cancelIfRequested();
        if (cancelledNow) return cancelledNow;
        if (options.stop.aborted) return await machine.move({ run: id, state: 'pending', reason: 'stopped before submission' });
        if (options.noSubmission) {
          const what = batch.jobFile ? `would submit ${batch.jobFile} in ${record.dir}` : 'no job file';
          return await machine.move({ run: id, state: 'skipped', reason: `not submitted (-s): ${what}` });
        }
      }
      if (start !== 'post_run' && batch.jobFile !== undefined) {
        const wait: JobWait = await submitAndWait(env, batch, machine.get(id) as RunRecord, batch.jobFile, cycle);
        if (wait.stopped) return machine.get(id) as RunRecord;
        const cancelledNow = await cancelIfRequested();
        if (cancelledNow) return cancelledNow;
        const why = jobFailure(wait.status);
        if (why !== undefined) {
          failure = {
            reason: why,
            jobState: wait.status.state,
            ...(wait.status.exitCode !== undefined ? { exit: wait.status.exitCode } : {}),
          };
        }
      }
      if (!failure) {
        if (machine.get(id)?.state !== 'post_run') await machine.move({ run: id, state: 'post_run' });
        await runTasks(batch.postRun, taskCtx, { noChecks: options.noChecks, signal: options.abort, stop: options.stop });
        return await machine.move({ run: id, state: 'succeeded' });
      }
    } catch (error) {
      if (isAbortError(error) && (options.stop.aborted || options.abort.aborted)) return machine.get(id) as RunRecord;
      if (!(error instanceof EnsembleError)) options.logger.debug(`run ${id}: ${(error as Error).stack ?? String(error)}`);
      failure = { reason: reasonOf(error) };
    }

    await machine.move({ run: id, state: 'failed', ...failure });
    const decision = retryDecision(batch.retry, record.attempt, failure.jobState);
    if (!decision.retry) return machine.get(id) as RunRecord;
    options.logger.info(`run ${id}: ${failure.jobState ?? 'failure'} is retried (attempt ${record.attempt + 1} of ${batch.retry.max + 1}) in ${batch.retry.backoff} s`);
    // The next attempt is journaled before the backoff, so a stop or crash meanwhile still leaves it to do.
    await machine.move({ run: id, state: 'pending', attempt: record.attempt + 1, reason: `retry after ${failure.jobState ?? 'failure'}` });
    try {
      if (batch.retry.backoff > 0) await sleep(batch.retry.backoff * 1000, undefined, { signal: options.stop });
    } catch {
      return machine.get(id) as RunRecord;
    }
    start = 'prepare';
  }
  return machine.get(id) as RunRecord;
}
