// The typed, validated ensemble that config/ produces and every other module trusts. Values inside `vars`, batch
// settings and run entries keep their YAML 1.1 meaning as PyYAML reads them (PyFloat for floats, PyDate for dates).
import type { Where } from '../errors.js';
import type { ExecutorName } from '../executors/names.js';
import type { Expr } from './expression.js';

/** A task as written in the configuration: `{name, args}`. */
export interface TaskSpec {
  /** The task's registered name: check, quota, jobs, execute, submit, move, remove. */
  readonly name: string;
  /** Its arguments; a string starting with `run.` is resolved from the run context when the task runs. */
  readonly args: Readonly<Record<string, unknown>>;
  /** Where the task is written, for messages. */
  readonly where: Where;
}

/** Which ends of a job send its run back for another attempt. */
export interface RetryPolicy {
  /** Further attempts after the first; 0 = no retry. */
  readonly max: number;
  /** Job end reasons that are retried: TIMEOUT, NODE_FAIL, PREEMPTED, OUT_OF_MEMORY, FAILED, ... */
  readonly on: readonly string[];
  /** Seconds to wait before the next attempt. */
  readonly backoff: number;
}

/** One run of a batch: its identity, made once here, and the entry's values. */
export interface RunSpec {
  /** `<batch>-<idx>`: the run's name in the journal, in job tags and in status. */
  readonly id: string;
  /** The batch's name. */
  readonly batch: string;
  /** Absolute path of the run directory, `<basedir>/<id>`. */
  readonly dir: string;
  /** Position in the batch's `runs` list, from 0. */
  readonly idx: number;
  /** The entry's own keys (`custom_id: 1`). */
  readonly values: Readonly<Record<string, unknown>>;
}

/** What starts a batch: the batches it waits for, and a condition over metrics. */
export interface BatchStart {
  /** Batches that must have finished (every run ended, post_batch run). */
  readonly after: readonly string[];
  /** Batches that must have finished with every run succeeded; if one did not, this batch is skipped. */
  readonly afterSuccess: readonly string[];
  /** A condition over metrics that must hold, as written and parsed. */
  readonly when: { readonly text: string; readonly expr: Expr } | undefined;
  /** The batch wrote none of after, after_success or when: it follows the one above it (model-ensembler's order). */
  readonly implicit: boolean;
}

/** A rule of the ensemble: when its condition holds, its actions. */
export interface Rule {
  /** Position in `rules`, from 0: its identity in the journal. */
  readonly index: number;
  readonly when: { readonly text: string; readonly expr: Expr };
  readonly start: string | undefined;
  readonly stop: string | undefined;
  readonly cancel: string | undefined;
  readonly execute: string | undefined;
  readonly repeat: boolean;
  /** With repeat: at most one firing per this many more finished runs of the batches the condition names. */
  readonly every: number | undefined;
  readonly where: Where;
}

/** A batch with `batch_config` defaults applied and paths resolved. */
export interface Batch {
  /** Position in the file's `batches` list, from 0. */
  readonly index: number;
  readonly name: string;
  /** Absolute path of the template directory (`templatedir` resolved against `basedir`). */
  readonly templatedir: string;
  /** Template paths relative to `templatedir`, each ending in `.j2`; may be nested (`inputs/params.txt.j2`). */
  readonly templates: readonly string[];
  /** The job file relative to the run directory; absent when the batch submits nothing. */
  readonly jobFile: string | undefined;
  /** Absolute path of the batch's base directory (`basedir` resolved against the working directory). */
  readonly basedir: string;
  /** Most runs of this batch in progress at once (prepare → post_run). */
  readonly maxruns: number;
  /** Most jobs of this batch queued or running at once. */
  readonly maxjobs: number;
  /** Repeat the batch until its `pre_batch` fails. */
  readonly repeat: boolean;
  /**
   * The batch's keys as templates see them under `run.` (name, templatedir and basedir as written, templates,
   * job_file, maxruns, maxjobs, repeat, cluster, email, nodes, ntasks, length): only keys that are set.
   */
  readonly settings: Readonly<Record<string, unknown>>;
  readonly preBatch: readonly TaskSpec[];
  readonly preRun: readonly TaskSpec[];
  readonly postRun: readonly TaskSpec[];
  readonly postBatch: readonly TaskSpec[];
  readonly runs: readonly RunSpec[];
  readonly retry: RetryPolicy;
  /** Where its jobs run; undefined: the executor the command line gives. */
  readonly executor: ExecutorName | undefined;
  /** The file in each run directory its results are read from after the job (relative to the run directory). */
  readonly resultFile: string;
  /** What starts it. */
  readonly start: BatchStart;
  /** Where the batch is written, for messages. */
  readonly where: Where;
}

/** A whole configuration file, validated. */
export interface Ensemble {
  /** Absolute path of the configuration file. */
  readonly file: string;
  /** The file's name without its extension (`sanity-check` for `sanity-check.yml`). */
  readonly name: string;
  /** The working directory that `basedir` and the process tasks resolve against. */
  readonly cwd: string;
  readonly vars: Readonly<Record<string, unknown>>;
  readonly preProcess: readonly TaskSpec[];
  readonly postProcess: readonly TaskSpec[];
  readonly batches: readonly Batch[];
  /** Most jobs of all batches together queued or running at once; undefined: no bound beyond each batch's. */
  readonly maxjobs: number | undefined;
  /** Most runs of all batches together in progress at once; undefined: no bound beyond each batch's. */
  readonly maxruns: number | undefined;
  readonly rules: readonly Rule[];
}
