// The run state model shared by the engine, the journal and the status queries. A run is one entry of a batch's
// `runs` list (in one cycle of a repeating batch); a job is what the executor runs for one attempt of it.

/** The states of a run, in pipeline order; the last four are final. */
export type RunState =
  | 'pending'
  | 'preparing'
  | 'pre_run'
  | 'submitting'
  | 'queued'
  | 'running'
  | 'post_run'
  | 'succeeded'
  | 'failed'
  | 'cancelled'
  | 'skipped';

/** States a run ends in. */
export const FINAL_RUN_STATES: ReadonlySet<RunState> = new Set<RunState>(['succeeded', 'failed', 'cancelled', 'skipped']);

/** One attempt of a run, as status shows it. */
export interface AttemptRecord {
  readonly attempt: number;
  /** The cycle of a repeating batch the attempt belongs to. */
  readonly cycle: number;
  job?: string;
  /** When the attempt started preparing (ISO time). */
  started?: string;
  /** When it ended (ISO time). */
  ended?: string;
  /** The final state of the attempt. */
  state?: RunState;
  /** Why it ended that way: `exit 3`, `TIMEOUT`, a task's failure. */
  reason?: string;
  /** The error code of a failure (`ERR_JOB_FAILED`, `ERR_TASK_FAILED`, ...; README: Error codes). */
  code?: string;
  /** The job's end state as the executor named it (COMPLETED, TIMEOUT, ...). */
  jobState?: string;
  exitCode?: number;
  /** When the job was handed to the scheduler (ISO time). */
  submitted?: string;
  /** When the job itself started and ended, from the job's own markers (ISO times). */
  jobStart?: string;
  jobEnd?: string;
  /** What the run left in its result file, once read after its job. */
  result?: Readonly<Record<string, unknown>>;
}

/** Everything known about one run. */
export interface RunRecord {
  /** `<batch name>-<idx>`. */
  readonly id: string;
  readonly batch: string;
  readonly idx: number;
  /** The run directory (absolute). */
  readonly dir: string;
  /** The cycle of a repeating batch, from 1. */
  cycle: number;
  state: RunState;
  /** The current attempt, from 1. */
  attempt: number;
  /** The current attempt's job id, once submitted. */
  job?: string;
  /** The current attempt's submission tag, recorded before submission. */
  tag?: string;
  /** The executor the current attempt's job went to. */
  executor?: string;
  reason?: string;
  /** When the run last changed state (ISO time). */
  updated: string;
  readonly attempts: AttemptRecord[];
  /** A digest of the rendered inputs of the last preparation, to notice configuration changes between starts. */
  inputs?: string;
  /** The run's parameters (its run entry's values) as the last preparation used them. */
  values?: Readonly<Record<string, unknown>>;
  /** The last preparation made the run directory (it did not exist before): only then may a restart remake it. */
  fresh?: boolean;
  /** How many tasks of the current pre_run or post_run list have ended in this attempt. */
  tasksDone?: number;
}

/** One line of the journal: a run's state change, with the facts that came with it. */
export interface RunEntry {
  readonly t: string;
  readonly run: string;
  readonly state: RunState;
  readonly attempt: number;
  readonly batch?: string;
  readonly idx?: number;
  readonly dir?: string;
  readonly cycle?: number;
  readonly job?: string;
  readonly tag?: string;
  /** On `submitting`: the executor the job goes to (`local`, `slurm`). */
  readonly executor?: string;
  readonly reason?: string;
  /** On `failed`: the error code of the failure. */
  readonly code?: string;
  readonly jobState?: string;
  readonly exit?: number;
  readonly inputs?: string;
  /** On `preparing`: the run's parameters (its run entry's values), as JSON. */
  readonly values?: Readonly<Record<string, unknown>>;
  /** When the attempt started, if earlier than `t` (written by compaction, which keeps one line per attempt). */
  readonly since?: string;
  /** On `preparing`: whether the run directory is being made (true) or already existed (false). */
  readonly fresh?: boolean;
  /** In `pre_run` or `post_run`: how many of that list's tasks have ended (none are run again). */
  readonly done?: number;
  /** When the job was submitted, if earlier than `t` (written by compaction). */
  readonly submitted?: string;
  /** Once the job has ended: when it started and ended, from its own markers (ISO times). */
  readonly jobStart?: string;
  readonly jobEnd?: string;
  /** Once the job has ended: the run's result file, read. */
  readonly result?: Readonly<Record<string, unknown>>;
}

/** The phases of a batch cycle the journal records, so a restart knows whether pre_batch already ran. */
export type BatchPhase = 'pre_batch' | 'runs' | 'post_batch' | 'ended';

/** One line of the journal about a batch: a cycle reached a phase. */
export interface BatchEntry {
  readonly t: string;
  readonly kind: 'batch';
  readonly batch: string;
  readonly cycle: number;
  readonly phase: BatchPhase;
  /** Why the cycle ended early (pre_batch or post_batch failed). */
  readonly failure?: string;
  /** In `pre_batch` or `post_batch`: how many of that list's tasks have ended (none are run again). */
  readonly done?: number;
  /** On `ended`: the batch did not run, and why (judged again at the next start). */
  readonly skipped?: string;
}

/** One line of the journal about a rule that fired: how often it has, and how many runs had finished then. */
export interface RuleEntry {
  readonly t: string;
  readonly kind: 'rule';
  /** The rule's position in `rules`. */
  readonly rule: number;
  readonly fired: number;
  /** Runs of the batches its condition names that had finished when it fired (what `every` counts from). */
  readonly finished: number;
}

/** One line of the journal about the ensemble: a start, with the executor its jobs went to. */
export interface MetaEntry {
  readonly t: string;
  readonly kind: 'start';
  readonly executor: string;
  /** The real path of the configuration file. */
  readonly config: string;
  /** The real path of the working directory it ran from (absent in journals of earlier versions). */
  readonly cwd?: string;
  readonly host: string;
  readonly pid: number;
}

/** One line of the journal about pre_process or post_process having run. */
export interface ProcessEntry {
  readonly t: string;
  readonly kind: 'process';
  readonly phase: 'pre_process' | 'post_process';
  /** Why it failed, if it did. */
  readonly failure?: string;
}

/** Any journal line. Run entries carry no `kind`. */
export type JournalEntry = RunEntry | BatchEntry | MetaEntry | ProcessEntry | RuleEntry;

/** Where a batch stands: its last cycle and phase. */
export interface BatchRecord {
  readonly name: string;
  cycle: number;
  phase: BatchPhase;
  failure?: string;
  /** How many tasks of the phase's list (pre_batch, post_batch) have ended. */
  done?: number;
  /** Why the batch did not run, when it was skipped. */
  skipped?: string;
}

/** Everything the journal knows. */
export interface EnsembleState {
  readonly runs: Map<string, RunRecord>;
  readonly batches: Map<string, BatchRecord>;
  /** The executor of the latest start. */
  executor?: string;
  /** The configuration and working directory of the latest start: whose state this is. */
  owner?: { readonly config: string; readonly cwd: string | undefined };
  /** pre_process and post_process that ran, with their failure if any. */
  readonly processes: Map<'pre_process' | 'post_process', { failure?: string }>;
  /** The rules that fired: how often, and how many runs had finished at the last firing, by rule position. */
  readonly rules: Map<number, { fired: number; finished: number }>;
}
