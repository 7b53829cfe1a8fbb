// The names the configuration's schema is built from, as plain data, so that reading a configuration never loads
// the schema's definition (TypeBox, about 200 modules): the validator is generated at build time. A test keeps
// these lists equal to the schema's (test/unit/config/schema.test.ts).

/** The job end states a retry may name; SLURM's names (executors/types.ts JobState) plus LOST. */
export const RETRY_STATES = ['TIMEOUT', 'NODE_FAIL', 'PREEMPTED', 'OUT_OF_MEMORY', 'FAILED', 'CANCELLED', 'BOOT_FAIL', 'DEADLINE', 'LOST'] as const;

/** The states retried when `retry` names none: the ones where the job was not at fault. */
export const DEFAULT_RETRY_ON: readonly string[] = ['TIMEOUT', 'NODE_FAIL', 'PREEMPTED', 'OUT_OF_MEMORY', 'BOOT_FAIL', 'LOST'];

/** The keys a batch may take from batch_config (all but name and basedir). */
export const SHARED_KEYS: readonly string[] = [
  'templatedir',
  'templates',
  'job_file',
  'runs',
  'maxruns',
  'maxjobs',
  'repeat',
  'cluster',
  'email',
  'nodes',
  'ntasks',
  'length',
  'pre_batch',
  'pre_run',
  'post_run',
  'post_batch',
  'retry',
  'executor',
  'result_file',
  'sweep',
  'label',
  'max_runs',
];

/** Every key a batch may have: name, basedir and what starts it are its own; the rest may come from batch_config. */
export const BATCH_KEYS: readonly string[] = ['name', 'basedir', 'after', 'after_success', 'when', ...SHARED_KEYS];

/** The task names, in the order messages list them (model-ensembler's, model_ensembler/tasks/). */
export const TASK_NAMES: readonly string[] = ['check', 'execute', 'quota', 'jobs', 'submit', 'move', 'remove'];

/** The generators a `sweep` may hold, in the order messages list them. */
export const SWEEP_KEYS: readonly string[] = ['matrix', 'zip', 'csv', 'yaml', 'sample'];

/** The ways `sample` draws its points. */
export const SAMPLE_METHODS = ['random', 'lhs', 'sobol'] as const;

/** The most runs a sweep makes unless the batch's `max_runs` allows more. */
export const DEFAULT_MAX_RUNS = 100_000;
