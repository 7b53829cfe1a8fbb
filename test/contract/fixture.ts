// What the executor contract suite needs to know of one executor: how to make it, what its job files need, how
// to make a job nobody knows, how to end a job behind its back, how long to wait, and the few things executors
// may report in their own words. Adding an executor to the suite is writing one of these.
import type { Executor, ExecutorCapabilities, JobId, JobSpec, JobStatus } from '../../src/executors/types.js';

/** How the suite asks for an executor. */
export interface CreateOptions {
  /** Interpreter for job files without a `#!` line. */
  readonly shell: string;
  /** A fresh folder the fixture may use (for PATH wrappers that count scheduler calls). */
  readonly scratch: string;
  /** Milliseconds a job nobody knows counts as just submitted; undefined: the executor's default. */
  readonly graceMs?: number;
}

/** One executor instance, as a freshly started orchestrator process would make it. */
export interface ExecutorUnderTest {
  readonly executor: Executor;
  /** The scheduler commands it has run so far (`squeue`, `sbatch`), oldest first; empty for executors without any. */
  commands(): Promise<string[]>;
}

/** The final statuses an executor reports in its own words; `output` is `outputOf(id, job)`. */
export interface ExpectedEnds {
  /** A job file that exited with the non-zero `code`. */
  failed(code: number, output: string): JobStatus;
  /** A running job ended with the executor's `cancel`. */
  cancelled(output: string): JobStatus;
  /** A running job ended behind the executor's back (`killOutside`). */
  killedOutside(output: string): JobStatus;
}

/** Everything the contract suite needs to run against one executor. */
export interface ExecutorFixture {
  /** Names the suite: `executor contract: <name>`. */
  readonly name: string;
  /** Runs in the suite's `before`; reports loudly (a skip that CI refuses) when the executor cannot run here. */
  prepare(context: Mocha.Context): void | Promise<void>;
  /** A new executor instance: a second call is a process started after the first one died. */
  create(options: CreateOptions): Promise<ExecutorUnderTest>;
  /** Lines every job file carries at its top, after any `#!` line (scheduler directives); may be empty. */
  readonly header: string;
  /** The capabilities the executor must declare. */
  readonly capabilities: ExecutorCapabilities;
  /** The scheduler commands ONE poll of jobs in flight runs, in order, when exit-code files settle the ended ones. */
  readonly pollCommands: readonly string[];
  /** Where a job's output is, relative to its run directory, as its reasons name it. */
  outputOf(id: JobId, job: JobSpec): string;
  readonly ends: ExpectedEnds;
  /**
   * Leaves in the job's run directory the start marker of a job that no scheduler knows and that left no
   * exit-code file (it vanished with a node or a controller crash), and returns the id the marker names.
   */
  makeVanishedJob(job: JobSpec): Promise<JobId>;
  /** Ends a running job without the executor: `scancel` for SLURM, a signal to the process group for local. */
  killOutside(id: JobId): Promise<void>;
  /** Removes what the suite leaves behind (jobs still in flight after a failed test). */
  cleanup(ids: readonly JobId[]): Promise<void>;
  readonly timing: {
    /** Milliseconds between the suite's polls. */
    readonly pollIntervalMs: number;
    /** Milliseconds a short job may take from submission to its final status. */
    readonly endMs: number;
    /** Mocha's timeout for one test, in milliseconds. */
    readonly testMs: number;
  };
}
