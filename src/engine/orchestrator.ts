// The orchestrator: pre_process, the batches (each when its conditions hold, independent ones at once), the rules,
// post_process. One per process; it owns the job channels (executor, monitor, pace), the limits and the dispatcher,
// keeps the metrics from each journaled change, and logs one line per run state change.
import type { Ensemble } from '../config/types.js';
import { isAbortError } from '../errors.js';
import { runTasks } from '../tasks/runner.js';
import type { RunEntry, RunRecord } from '../state/types.js';
import { takeRequests } from '../state/requests.js';
import { EnsembleMetrics } from '../state/metrics.js';
import { selectRuns } from './batch.js';
import { CancelRequests } from './cancel-requests.js';
import { JobChannels } from './channels.js';
import { cancelRuns, rerunRuns } from './control.js';
import { RunDispatcher } from './dispatcher.js';
import { JobSlots } from './limits.js';
import type { BatchPlan } from './plan.js';
import { RuleRunner } from './rules.js';
import { RunMachine } from './run-machine.js';
import { BatchScheduler } from './scheduler.js';
import { processTaskContext } from './task-context.js';
import type { EngineOptions, EnsembleOutcome, RunEnv } from './types.js';

/** The log line of a run's state change, and its level; undefined for changes not worth a line. */
export function describeChange(record: RunRecord, entry: RunEntry): [string, string] | undefined {
  const attempt = record.attempt > 1 ? ` (attempt ${record.attempt})` : '';
  switch (entry.state) {
    case 'queued':
      return ['info', `run ${record.id} submitted as job ${entry.job ?? '?'}${attempt}`];
    case 'running':
      return ['debug', `run ${record.id} running (job ${record.job ?? '?'})`];
    case 'succeeded':
      return ['info', `run ${record.id} succeeded${attempt}`];
    case 'failed':
      return ['error', `run ${record.id} failed${attempt}: ${entry.reason ?? 'unknown reason'}`];
    case 'skipped':
      return ['info', `run ${record.id} skipped: ${entry.reason ?? ''}`];
    case 'cancelled':
      return ['warn', `run ${record.id} cancelled${entry.reason ? `: ${entry.reason}` : ''}`];
    case 'pending':
      return entry.reason ? ['debug', `run ${record.id} pending: ${entry.reason}`] : undefined;
    default:
      // preparing, pre_run, submitting, post_run: the journal has them; a log line each would cost more than the step.
      return undefined;
  }
}

/** Warns about runs the journal knows that the configuration no longer has: they are left alone. */
function reportForgottenRuns(ensemble: Ensemble, options: EngineOptions): void {
  const wanted = new Set(ensemble.batches.flatMap((batch) => batch.runs.map((run) => run.id)));
  const forgotten = [...options.store.records.keys()].filter((id) => !wanted.has(id));
  if (forgotten.length === 0) return;
  const shown = forgotten.slice(0, 10).join(', ') + (forgotten.length > 10 ? ` and ${forgotten.length - 10} more` : '');
  options.logger.warn(`${forgotten.length} run(s) in the journal are no longer in the configuration and are left alone: ${shown}`);
}

/** Applies `rerun` and `cancel` requests left in the state directory, checking every second. */
function watchRequests(env: RunEnv): { stop(): Promise<void> } {
  const { options } = env;
  const stateDir = options.stateDir;
  if (stateDir === undefined) return { stop: () => Promise.resolve() };
  let busy: Promise<void> = Promise.resolve();
  const configured = env.ensemble.batches.flatMap((batch) => batch.runs);
  const told = new Set<string>();
  const refuse = ({ file, why }: { file: string; why: string }): void => {
    if (told.has(file)) return;
    told.add(file);
    options.logger.warn(`request ${file} is not applied: ${why}; it is left where it is`);
  };
  const apply = async (): Promise<void> => {
    for (const request of await takeRequests(stateDir, refuse)) {
      if (request.action === 'rerun') {
        const marked = await rerunRuns(env.machine, request.runs, request.states ?? []);
        if (marked.length > 0) options.logger.info(`rerun requested: ${marked.join(', ')} will run again on the next start`);
        continue;
      }
      const done = await cancelRuns({ ...env, executorOf: (record) => env.channels.of(record.executor).executor, configured }, request.runs);
      options.logger.warn(`cancel requested: ${done.runs.length} run(s), ${done.jobs.length} job(s) in the scheduler`);
    }
  };
  const timer = setInterval(() => {
    busy = busy.then(apply).catch((error: unknown) => {
      options.logger.warn(`cannot apply a request: ${(error as Error).message}`);
    });
  }, 1000);
  return {
    stop: async () => {
      clearInterval(timer);
      await busy;
    },
  };
}

/** Runs a whole ensemble whose batches have been planned. */
export async function runEnsemble(ensemble: Ensemble, plans: readonly BatchPlan[], options: EngineOptions): Promise<EnsembleOutcome> {
  const log = options.logger;
  const machine = new RunMachine(options.store);
  const selected = new Map(plans.map((plan) => [plan.batch.name, selectRuns(plan.batch.runs, options.skips, options.indexes).length]));
  const env: RunEnv = {
    options,
    ensemble,
    machine,
    channels: new JobChannels({ executors: options.executors, logger: log, pollIntervalMs: options.pollIntervalMs, errorIntervalMs: options.errorIntervalMs, submitRate: options.submitRate }),
    slots: new JobSlots(ensemble.maxjobs),
    cancels: new CancelRequests(),
    active: new Set(),
    dispatcher: new RunDispatcher(ensemble.maxruns ?? Number.POSITIVE_INFINITY),
    metrics: new EnsembleMetrics(selected, options.store.records.values()),
    stopped: new Set(),
  };
  env.dispatcher.bind(env);
  const scheduler = new BatchScheduler(env, plans, selected);
  const rules = new RuleRunner(env, ensemble.rules, scheduler);
  // After each journaled change: metrics first, then the conditions that read them, once per turn of the loop.
  let judging = false;
  const onChange = (record: RunRecord, entry: RunEntry): void => {
    const line = describeChange(record, entry);
    if (line) log.log(line[0], line[1], { run: record.id, batch: record.batch, attempt: record.attempt, job: record.job });
    env.metrics.update(record, entry.jobEnd !== undefined);
    if (judging) return;
    judging = true;
    setImmediate(() => {
      judging = false;
      rules.judge();
      scheduler.judge();
    });
  };
  options.store.on('run:state', onChange);
  const requests = watchRequests(env);
  const processCtx = processTaskContext(env);
  reportForgottenRuns(ensemble, options);
  const runs: RunRecord[] = [];
  const failedBatches: Array<{ batch: string; reason: string }> = [];
  const skippedBatches: Array<{ batch: string; reason: string }> = [];
  let processFailure: string | undefined;

  const state = options.store.state;
  // pre_process and post_process, journaled, so a restart does not run again what already ran.
  const runProcess = async (phase: 'pre_process' | 'post_process'): Promise<string | undefined> => {
    try {
      await runTasks(phase === 'pre_process' ? ensemble.preProcess : ensemble.postProcess, processCtx, { noChecks: options.noChecks, signal: options.abort, stop: options.stop });
      await options.store.note({ kind: 'process', phase });
      return undefined;
    } catch (error) {
      if (isAbortError(error)) return undefined;
      const failure = `${phase} failed: ${(error as Error).message}`;
      await options.store.note({ kind: 'process', phase, failure });
      return failure;
    }
  };
  const ranCleanly = (phase: 'pre_process' | 'post_process'): boolean => state.processes.has(phase) && state.processes.get(phase)?.failure === undefined;

  try {
    if (ranCleanly('pre_process')) log.debug('pre_process already ran');
    else processFailure = await runProcess('pre_process');
    if (processFailure !== undefined) log.error(`${processFailure}; no batch is run`);
    let allDone = true;
    if (processFailure === undefined) {
      rules.judge();
      for (const result of await scheduler.run()) {
        const outcome = result.outcome;
        allDone &&= outcome?.alreadyDone === true || result.skipped !== undefined;
        if (result.skipped !== undefined) skippedBatches.push({ batch: result.plan.batch.name, reason: result.skipped });
        if (!outcome) continue;
        runs.push(...outcome.runs);
        if (outcome.failure !== undefined) failedBatches.push({ batch: result.plan.batch.name, reason: outcome.failure });
      }
    }
    if (options.stop.aborted) {
      log.warn('interrupted: post_process not run; run the same command again to carry on');
    } else if (allDone && processFailure === undefined && ranCleanly('post_process')) {
      log.info('every batch was already done and post_process already ran');
    } else {
      const failure = await runProcess('post_process');
      if (failure !== undefined) log.error(failure);
      processFailure ??= failure;
    }
  } finally {
    await requests.stop();
    options.store.off('run:state', onChange);
    await env.channels.close();
  }
  return { runs, failedBatches, skippedBatches, processFailure, interrupted: options.stop.aborted, ensemble };
}
