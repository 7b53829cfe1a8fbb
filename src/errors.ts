// The errors of model_ensemble, in one table: every code once, with the class that raises it, how it ends a
// command, and what it means (as node's lib/internal/errors.js registers each code once with `E(...)`). A code is
// permanent and never reused; tests, retries and scripts read it, never the message, which may improve.

/** A place in a file: 1-based line and column, and the key path (`batches[0].maxruns`). */
export interface Where {
  readonly file: string;
  readonly line?: number;
  readonly col?: number;
  readonly key?: string;
}

/** Formats a place as `file:line:col key` for messages. */
export function formatWhere(where: Where): string {
  let text = where.file;
  if (where.line !== undefined) text += `:${where.line}`;
  if (where.line !== undefined && where.col !== undefined) text += `:${where.col}`;
  return where.key ? `${text} ${where.key}` : text;
}

/**
 * How an error thrown to the top ends a command: `usage` (bad input or a refused start; nothing was run) or `failed`.
 * cli/exit.ts turns these into exit numbers. An error that fails one run is data (the run's reason and code).
 */
export type ExitKind = 'usage' | 'failed';

/** The classes errors are raised with, by the area they come from. */
export type ErrorClassName = 'UsageError' | 'ConfigError' | 'TemplateError' | 'RunDirError' | 'TaskError' | 'ExecutorError' | 'LockError' | 'StateError';

interface CodeInfo {
  /** The class that raises it; null for a code only ever recorded as a run's reason, never thrown. */
  readonly class: ErrorClassName | null;
  readonly exit: ExitKind;
  /** What the code means, as the README's error table says it. */
  readonly meaning: string;
}

/** Every error code: its class, how it ends a command, and its meaning. */
export const ERROR_CODES = {
  ERR_USAGE: { class: 'UsageError', exit: 'usage', meaning: 'bad command line' },
  ERR_PROGRAM_MISSING: { class: 'UsageError', exit: 'usage', meaning: 'a program the ensemble needs cannot be run here (`sbatch`, `rsync` for `move`, the shell of `-l` or of a task)' },
  ERR_CONFIG_NOT_FOUND: { class: 'ConfigError', exit: 'usage', meaning: 'the configuration file cannot be read' },
  ERR_CONFIG_YAML: { class: 'ConfigError', exit: 'usage', meaning: 'YAML syntax error, duplicate key, or a value PyYAML would refuse' },
  ERR_CONFIG_INVALID: { class: 'ConfigError', exit: 'usage', meaning: 'the configuration breaks the schema or its rules' },
  ERR_TEMPLATE_SYNTAX: { class: 'TemplateError', exit: 'usage', meaning: 'a template cannot be compiled' },
  ERR_TEMPLATE_NOT_FOUND: { class: 'TemplateError', exit: 'usage', meaning: 'a template (or one it includes) does not exist' },
  ERR_TEMPLATE_NAME: { class: 'TemplateError', exit: 'usage', meaning: 'a template path leaves the template directory' },
  ERR_TEMPLATE_READ: { class: 'TemplateError', exit: 'usage', meaning: 'a template cannot be read' },
  ERR_TEMPLATE_UNDEFINED: { class: 'TemplateError', exit: 'failed', meaning: 'a template uses an undefined variable (fails that run)' },
  ERR_TEMPLATE_RENDER: { class: 'TemplateError', exit: 'failed', meaning: 'a template fails while rendering (fails that run)' },
  ERR_TEMPLATE_COPY: { class: 'TemplateError', exit: 'failed', meaning: 'the template directory cannot be copied into a run directory' },
  ERR_RUNDIR_EXISTS: { class: 'RunDirError', exit: 'usage', meaning: 'run directories exist that this ensemble did not make (use `-p`)' },
  ERR_LOCKED: { class: 'LockError', exit: 'usage', meaning: 'another process runs this ensemble' },
  ERR_STATE_UNUSABLE: { class: 'UsageError', exit: 'usage', meaning: 'the state directory, its journal or lock, or `logs/` cannot be used (not a folder or file as it must be, or not writable)' },
  ERR_JOURNAL_WRITE: { class: 'StateError', exit: 'failed', meaning: 'the journal could not be written (disk full, quota): the orchestrator stopped before acting on it; free space and run the same command again' },
  ERR_STATE_UNSAFE: { class: 'UsageError', exit: 'usage', meaning: 'the state directory belongs to another user or can be written by others (`chmod 700` it)' },
  ERR_RUNS_CHANGED: { class: 'UsageError', exit: 'usage', meaning: 'runs already prepared now have other parameters (a changed sweep or runs list renumbered them): nothing is started' },
  ERR_STATE_TAKEN: { class: 'UsageError', exit: 'usage', meaning: 'the state directory belongs to another configuration or working directory (use `--state-dir`)' },
  ERR_TASK_FAILED: { class: 'TaskError', exit: 'failed', meaning: "a task's command failed" },
  ERR_TASK_ARGS: { class: 'TaskError', exit: 'failed', meaning: 'a task was given arguments it cannot use' },
  ERR_TASK_ARG_UNDEFINED: { class: 'TaskError', exit: 'failed', meaning: 'a `run.` argument names an undefined value' },
  ERR_TASK_UNKNOWN: { class: 'TaskError', exit: 'failed', meaning: 'a task name no task has' },
  ERR_CHECK_FAILED: { class: 'TaskError', exit: 'failed', meaning: 'a `check` with `fail: true` failed' },
  ERR_QUOTA_QUERY: { class: 'TaskError', exit: 'failed', meaning: 'free space could not be measured' },
  ERR_JOB_FILE: { class: 'ExecutorError', exit: 'failed', meaning: 'the job file cannot be read' },
  ERR_SUBMIT_FAILED: { class: 'ExecutorError', exit: 'failed', meaning: 'a local job could not be started' },
  ERR_SLURM_SUBMIT_REJECTED: { class: 'ExecutorError', exit: 'failed', meaning: 'SLURM refused the job (bad directives): not retried' },
  ERR_SLURM_SUBMIT_FAILED: { class: 'ExecutorError', exit: 'failed', meaning: '`sbatch` kept failing after its retries' },
  ERR_SLURM_SUBMIT_UNKNOWN: { class: 'ExecutorError', exit: 'failed', meaning: '`sbatch` failed and the queue cannot say whether the job exists: not submitted again' },
  ERR_SLURM_QUERY: { class: 'ExecutorError', exit: 'failed', meaning: '`squeue` failed (the monitor tries again after `-et`)' },
  ERR_SLURM_CANCEL: { class: 'ExecutorError', exit: 'failed', meaning: '`scancel` failed' },
  ERR_JOB_FAILED: { class: null, exit: 'failed', meaning: "a run's job ended badly: a non-zero exit, or a state such as TIMEOUT, CANCELLED or LOST (its `jobState` says which)" },
  ERR_INTERNAL: { class: null, exit: 'failed', meaning: 'a fault in model_ensemble itself (the log file has its stack; please report it)' },
} as const satisfies Record<string, CodeInfo>;

/** Every error code. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** The codes a class raises. */
export type CodeOf<C extends ErrorClassName> = { [K in ErrorCode]: (typeof ERROR_CODES)[K]['class'] extends C ? K : never }[ErrorCode];

export interface EnsembleErrorOptions {
  readonly cause?: unknown;
  readonly where?: Where;
}

/** The base of every error the tool raises on purpose. */
export class EnsembleError extends Error {
  readonly code: ErrorCode;
  readonly where: Where | undefined;

  constructor(code: ErrorCode, message: string, options: EnsembleErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.where = options.where;
  }

  /** How this error ends a command when nothing catches it. */
  get exit(): ExitKind {
    return ERROR_CODES[this.code].exit;
  }
}

/** One problem found in a configuration file. */
export interface Problem {
  readonly where: Where;
  readonly message: string;
}

/** Bad configuration: every problem found, each with its place. */
export class ConfigError extends EnsembleError {
  readonly problems: readonly Problem[];

  constructor(code: CodeOf<'ConfigError'>, problems: readonly Problem[], options: EnsembleErrorOptions = {}) {
    super(code, problems.map((p) => `${formatWhere(p.where)}: ${p.message}`).join('\n'), options);
    this.problems = problems;
  }
}

/** Bad command-line usage, or a start this machine cannot make: nothing was run. */
export class UsageError extends EnsembleError {
  constructor(message: string, options: EnsembleErrorOptions & { readonly code?: CodeOf<'UsageError'> } = {}) {
    super(options.code ?? 'ERR_USAGE', message, options);
  }
}

/** An error of one area, raised only with that area's codes (a wrong code is a type error). */
class AreaError<C extends ErrorClassName> extends EnsembleError {
  constructor(code: CodeOf<C>, message: string, options: EnsembleErrorOptions = {}) {
    super(code, message, options);
  }
}

/** A template that cannot be compiled or rendered. Fails the run when it arises while rendering. */
export class TemplateError extends AreaError<'TemplateError'> {}

/** A run directory that exists and is not this ensemble's. */
export class RunDirError extends EnsembleError {
  constructor(message: string, options: EnsembleErrorOptions = {}) {
    super('ERR_RUNDIR_EXISTS', message, options);
  }
}

/** A task (check, execute, move, ...) that failed. Fails its run, or its batch for batch-level tasks. */
export class TaskError extends AreaError<'TaskError'> {}

/** A scheduler or local-process problem: submission, status query, cancellation. */
export class ExecutorError extends AreaError<'ExecutorError'> {}

/** The ensemble's state could not be kept: a journal write failed. Nothing is acted upon after it. */
export class StateError extends AreaError<'StateError'> {}

/** The ensemble is being run by another process. */
export class LockError extends EnsembleError {
  constructor(message: string, options: EnsembleErrorOptions = {}) {
    super('ERR_LOCKED', message, options);
  }
}

/** The code of a step's failure: the tool's own error's code, else ERR_INTERNAL (a fault in the tool). */
export function codeOf(error: unknown): ErrorCode {
  return error instanceof EnsembleError ? error.code : 'ERR_INTERNAL';
}

/** Whether a value is an AbortSignal's abort reason, so callers can tell interruption from failure. */
export function isAbortError(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');
}
