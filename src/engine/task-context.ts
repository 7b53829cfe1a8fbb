// The task contexts of the three levels: the ensemble (pre/post_process, in the working directory), a batch
// (pre/post_batch, in its basedir) and a run (pre/post_run, in the run directory).
import path from 'node:path';
import type { Batch, Ensemble } from '../config/types.js';
import { RUN_META_DIR, type Executor } from '../executors/types.js';
import type { TaskContext, TaskLevel } from '../tasks/types.js';
import { buildBatchContext, buildProcessContext } from './context.js';
import type { JobSlots } from './limits.js';
import { buildTag, type TagOwner } from './tag.js';
import type { EngineOptions } from './types.js';

interface Shared {
  readonly options: EngineOptions;
  readonly ensemble: Ensemble;
  readonly slots: JobSlots;
}

/** A task context; `submit` sends extra jobs (the `submit` task) through the ensemble's executor, tagged. */
/** Each batch's run directories, made once per batch (a batch may have thousands of runs). */
const RUN_DIRS = new WeakMap<Batch, ReadonlySet<string>>();

/** The run directories of `batch`. */
function runDirsOf(batch: Batch): ReadonlySet<string> {
  let dirs = RUN_DIRS.get(batch);
  if (!dirs) RUN_DIRS.set(batch, (dirs = new Set(batch.runs.map((run) => run.dir))));
  return dirs;
}

function buildContext(
  shared: Shared,
  level: TaskLevel,
  values: Record<string, unknown>,
  where: { cwd: string; pathBase: string; runDirs?: ReadonlySet<string>; executor: Executor },
  owner: TagOwner,
  batchName?: string,
  outputFile?: string,
): TaskContext {
  const { cwd } = where;
  const { options } = shared;
  const { executor } = where;
  let extra = 0;
  return {
    level,
    values,
    cwd,
    pathBase: where.pathBase,
    ...(where.runDirs ? { runDirs: where.runDirs } : {}),
    shell: options.shell,
    checkIntervalMs: options.checkIntervalMs,
    ...(batchName !== undefined ? { batchName } : {}),
    ...(outputFile !== undefined ? { outputFile } : {}),
    jobs: shared.slots,
    logger: options.logger,
    submit: (script, signal) => {
      extra++;
      const attempt = typeof values.attempt === 'number' ? values.attempt : 1;
      const job = { runId: owner.name, attempt, fileKey: `${attempt}.x${extra}`, dir: cwd, script, tag: buildTag(options.ensembleId, owner, extra) };
      return executor.submit(job, signal);
    },
  };
}

/** The context of pre_process and post_process. */
export function processTaskContext(shared: Shared): TaskContext {
  const { options, ensemble } = shared;
  const where = { cwd: ensemble.cwd, pathBase: ensemble.cwd, executor: options.executors.get(undefined) };
  return buildContext(shared, 'process', buildProcessContext(ensemble, options.extraVars), where, { name: 'process' });
}

/** The context of a batch's pre_batch and post_batch. */
export function batchTaskContext(shared: Shared, batch: Batch): TaskContext {
  const { options, ensemble } = shared;
  const where = { cwd: batch.basedir, pathBase: batch.basedir, runDirs: runDirsOf(batch), executor: options.executors.get(batch.executor) };
  return buildContext(shared, 'batch', buildBatchContext(ensemble, batch, options.extraVars), where, { name: batch.name }, batch.name);
}

/**
 * The context of a run's pre_run and post_run, whose `run.` values are the run's. Their commands' output goes to
 * the run's `.model_ensemble/tasks.log` (kept, and cheaper than pipes).
 */
export function runTaskContext(shared: Shared, batch: Batch, values: Record<string, unknown>, dir: string): TaskContext {
  const owner = { name: String(values.id), cycle: Number(values.batch_idx), attempt: Number(values.attempt) };
  const where = { cwd: dir, pathBase: batch.basedir, runDirs: runDirsOf(batch), executor: shared.options.executors.get(batch.executor) };
  return buildContext(shared, 'run', values, where, owner, batch.name, path.join(dir, RUN_META_DIR, 'tasks.log'));
}
