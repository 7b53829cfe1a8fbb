// The contract of a task (check, quota, jobs, execute, submit, move, remove): what it is given and how it fails.
import type { Logger } from '../log.js';

/** `check` tasks wait for a condition and are skipped by `-c`; `process` tasks do work. */
export type TaskKind = 'check' | 'process';

/** The jobs of this ensemble that are queued or running, as the `jobs` task sees them. */
export interface JobsView {
  /** How many of this ensemble's jobs are queued or running, for batches whose name starts with `match`. */
  count(match: string): number;
  /** Resolves at the next change of any count (a job submitted or ended), or when `signal` aborts. */
  changed(signal: AbortSignal): Promise<void>;
}

/** Which task list a task belongs to: pre/post_process, pre/post_batch or pre/post_run. */
export type TaskLevel = 'process' | 'batch' | 'run';

/** What a task runs with. */
export interface TaskContext {
  readonly level: TaskLevel;
  /** The values `run.` arguments read: the run's context, or vars and batch settings for batch-level tasks. */
  readonly values: Readonly<Record<string, unknown>>;
  /** Where commands run: the working directory, the batch's basedir or the run directory. */
  readonly cwd: string;
  /**
   * What a relative path argument that the task itself opens (remove's `directory`, quota's `mnt`) is relative to:
   * model-ensembler's working directory while the task runs, the batch's basedir for batch and run tasks and the
   * working directory for process tasks. A command's own paths are relative to `cwd`, where it runs.
   */
  readonly pathBase: string;
  /** The run directories of the batch, which a `remove` must not take with it; none for process tasks. */
  readonly runDirs?: ReadonlySet<string>;
  /** The shell for user commands (`-l/--shell`). */
  readonly shell: string;
  /** Where commands without `log: true` write their output (appended; its folder exists); through pipes if absent. */
  readonly outputFile?: string;
  /** Milliseconds between two tries of a waiting check (`-ct/--check-timeout`). */
  readonly checkIntervalMs: number;
  /** The name of the batch a task runs for, when it runs for one (default `match` of the `jobs` task). */
  readonly batchName?: string;
  readonly jobs: JobsView;
  /** Submits an extra job (`submit` task): `script` relative to `cwd`. Resolves with the job id. */
  readonly submit: (script: string, signal: AbortSignal) => Promise<string>;
  readonly logger: Logger;
}

/** A task implementation. `run` resolves when the task has succeeded and throws a TaskError when it fails. */
export interface Task {
  readonly name: string;
  readonly kind: TaskKind;
  run(ctx: TaskContext, args: Readonly<Record<string, unknown>>, signal: AbortSignal): Promise<void>;
}
