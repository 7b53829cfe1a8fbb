// The error classes of model_ensemble. Every error carries a permanent `code` (tests and retries read it, never the
// message), the exit code it implies, whether trying again may help, and where in a file it arose.

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

export interface EnsembleErrorOptions {
  readonly cause?: unknown;
  readonly exitCode?: number;
  readonly retryable?: boolean;
  readonly where?: Where;
}

/** The base of every error the tool raises on purpose. */
export class EnsembleError extends Error {
  readonly code: string;
  readonly exitCode: number;
  readonly retryable: boolean;
  readonly where: Where | undefined;

  constructor(code: string, message: string, options: EnsembleErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.exitCode = options.exitCode ?? 1;
    this.retryable = options.retryable ?? false;
    this.where = options.where;
  }
}

/** One problem found in a configuration file. */
export interface Problem {
  readonly where: Where;
  readonly message: string;
}

/** Bad configuration: every problem found, each with its place. Exit code 2. */
export class ConfigError extends EnsembleError {
  readonly problems: readonly Problem[];

  constructor(code: string, problems: readonly Problem[], options: EnsembleErrorOptions = {}) {
    super(code, problems.map((p) => `${formatWhere(p.where)}: ${p.message}`).join('\n'), {
      exitCode: 2,
      ...options,
    });
    this.problems = problems;
  }
}

/** Bad command-line usage. Exit code 2. */
export class UsageError extends EnsembleError {
  constructor(message: string, options: EnsembleErrorOptions = {}) {
    super('ERR_USAGE', message, { exitCode: 2, ...options });
  }
}

/** A template that cannot be rendered (undefined variable, syntax error). Fails the run, not the ensemble. */
export class TemplateError extends EnsembleError {}

/** A task (check, execute, move, ...) that failed. Fails its run, or its batch for batch-level tasks. */
export class TaskError extends EnsembleError {}

/** A scheduler or local-process problem: submission, status query, cancellation. */
export class ExecutorError extends EnsembleError {}

/** The ensemble is being run by another process. Exit code 2. */
export class LockError extends EnsembleError {
  constructor(message: string, options: EnsembleErrorOptions = {}) {
    super('ERR_LOCKED', message, { exitCode: 2, ...options });
  }
}

/** Whether a value is an AbortSignal's abort reason, so callers can tell interruption from failure. */
export function isAbortError(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');
}
