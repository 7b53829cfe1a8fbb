// The contract between the engine and the places jobs run (local processes, SLURM), and the one job-state
// vocabulary they share. Executors know nothing of batches or templates: they run a job file in a directory.

/** The hidden folder in each run directory that holds the tool's own per-run files (job markers, task output). */
export const RUN_META_DIR = '.model_ensemble';

/** A job's identity in its executor (a SLURM job id, a local process's key). */
export type JobId = string;

/** Scheduler-neutral job states; SLURM's names where SLURM has one. */
export type JobState =
  | 'PENDING'
  | 'RUNNING'
  | 'COMPLETED'
  | 'FAILED'
  | 'TIMEOUT'
  | 'OUT_OF_MEMORY'
  | 'NODE_FAIL'
  | 'CANCELLED'
  | 'PREEMPTED'
  | 'BOOT_FAIL'
  | 'DEADLINE'
  /** Known to have been submitted, but no longer known to the scheduler nor settled by an exit-code file. */
  | 'LOST';

/** States after which a job does nothing more. */
export const FINAL_JOB_STATES: ReadonlySet<JobState> = new Set<JobState>([
  'COMPLETED',
  'FAILED',
  'TIMEOUT',
  'OUT_OF_MEMORY',
  'NODE_FAIL',
  'CANCELLED',
  'PREEMPTED',
  'BOOT_FAIL',
  'DEADLINE',
  'LOST',
]);

/** Final states in which the scheduler ended the job itself: their names say more than any exit code. */
export const SCHEDULER_END_STATES: ReadonlySet<JobState> = new Set<JobState>([
  'TIMEOUT',
  'OUT_OF_MEMORY',
  'NODE_FAIL',
  'CANCELLED',
  'PREEMPTED',
  'BOOT_FAIL',
  'DEADLINE',
]);

/** What an executor knows of a job. */
export interface JobStatus {
  readonly state: JobState;
  /** The job file's exit code, when known. */
  readonly exitCode?: number;
  /** A human reason for the state (scheduler reason, signal, where to find the output). */
  readonly reason?: string;
}

/** Whether a status is final, and whether it is a success. */
export function isFinal(status: JobStatus): boolean {
  return FINAL_JOB_STATES.has(status.state);
}

/** A job to submit: run `script` (a file in `dir`) there. */
export interface JobSpec {
  /** The run this job is for, for names and messages. */
  readonly runId: string;
  /** Attempt number, from 1; the job's own files are named by it so attempts never read each other's. */
  readonly attempt: number;
  /** Absolute path of the run directory; the job runs there. */
  readonly dir: string;
  /** The job file, relative to `dir`, as the user wrote it (`slurm_run.sh`). */
  readonly script: string;
  /**
   * A tag unique to this ensemble, run and attempt, recorded before submission and attached to the job
   * (SLURM `--comment`), so a job submitted just before a crash can be found again with `find`.
   */
  readonly tag: string;
  /** Names the job's own files instead of the attempt, for extra jobs sharing a run directory and attempt. */
  readonly fileKey?: string;
  /** Extra environment for the job. */
  readonly env?: Readonly<Record<string, string>>;
}

/** What an executor can do, as data. */
export interface ExecutorCapabilities {
  /** Jobs run elsewhere (a scheduler), not as children of this process. */
  readonly remote: boolean;
  /** The executor reports job ends as events (`onStatus`), so nobody need wait for a poll. */
  readonly pushesStatus: boolean;
}

/** Where jobs run. One instance per orchestrator process. */
export interface Executor {
  readonly name: string;
  readonly capabilities: ExecutorCapabilities;
  /** Submits one job and resolves with its id once the executor has accepted it. */
  submit(job: JobSpec, signal?: AbortSignal): Promise<JobId>;
  /** The status of all the given jobs, learnt with ONE scheduler query (plus bulk fallbacks for vanished jobs). */
  poll(ids: readonly JobId[], signal?: AbortSignal): Promise<Map<JobId, JobStatus>>;
  /** Cancels the given jobs (one scheduler call). */
  cancel(ids: readonly JobId[], signal?: AbortSignal): Promise<void>;
  /**
   * Finds the job of this attempt (its `tag`, its run directory's marker files) submitted by an earlier process,
   * if the executor still knows it: how a crash between journaling and submitting never leads to a second job.
   */
  find(job: JobSpec, signal?: AbortSignal): Promise<JobId | undefined>;
  /** Registers a job submitted by an earlier process, so that `poll` follows it. */
  adopt(id: JobId, job: JobSpec): void;
  /** Subscribes to status changes; only executors with `pushesStatus` call it. Returns the unsubscribe. */
  onStatus?(listener: (id: JobId, status: JobStatus) => void): () => void;
  /** Releases timers and handles; jobs in flight are left alone. */
  close(): Promise<void>;
}
