// The contracts of starting processes: what a started process is, how it ended, and how a start fails.

/** How a process ended: its exit code, or the signal that killed it. */
export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A process started in a session of its own (its pid is its process group). */
export interface StartedProcess {
  readonly pid: number;
  /** Resolves when the process ends; rejects only when its end can no longer be learnt. */
  readonly exited: Promise<ProcessExit>;
}

/** The files a job writes about itself, so its start and end are known to a later process (the local executor). */
export interface JobFiles {
  /** Written before the job's program runs: `<host> <pid> - <start time in clock ticks>`, then `tag`. */
  readonly marker: string;
  /** Written when the job ends: its exit code (128 + the signal that killed it), as a shell reports it. */
  readonly exitCode: string;
  readonly tag: string;
}

export interface StartOptions {
  readonly cwd: string;
  /** Variables laid over the inherited environment. */
  readonly env?: Readonly<Record<string, string>> | undefined;
  /** stdout and stderr go to this file, truncated first or appended to. */
  readonly outputFile: string;
  readonly append: boolean;
  /** The output file is made readable by this user alone (0600), not 0644: output the tool reads and removes. */
  readonly private?: boolean | undefined;
  /** A job: its marker and exit-code files are written for it, whatever becomes of the process that started it. */
  readonly job?: JobFiles | undefined;
}

/** An error starting a process, with the errno code (`ENOENT`, `EAGAIN`) as `code`. */
export class StartError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'StartError';
  }
}
