// The one door to the scheduler: every SLURM command the executor runs goes through `runSlurmCommand`, with an
// argument array (no shell), a timeout and the caller's AbortSignal (the tool's one command runner bounds it and
// stops its whole process group), so each call is bounded and can be counted.
import { describeEnd, runCommand } from '../process/run.js';

/** How one scheduler command ended. */
export interface SlurmCommandResult {
  /** The command line, for messages: `squeue --me -h ...`. */
  readonly command: string;
  /** The exit code, or undefined when the command was killed or could not start. */
  readonly exitCode: number | undefined;
  readonly stdout: string;
  readonly stderr: string;
  /** Killed because it ran longer than its timeout. */
  readonly timedOut: boolean;
  /** Exit code 0, in time. */
  readonly ok: boolean;
  /** What to show of a failure: stderr, else stdout, else why it could not run. */
  readonly output: string;
  /** How it ended, in words: `exit 1`, `timed out after 60 s`, `could not start (ENOENT: ...)`. */
  readonly end: string;
}

export interface SlurmCommandOptions {
  /** Milliseconds before the command (and every process it started) is killed. */
  readonly timeoutMs: number;
  /** Aborting kills the command and rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  readonly cwd?: string;
  /** Added to this process's environment. */
  readonly env?: Readonly<Record<string, string>>;
}

/** Runs one scheduler command; resolves however it ends, and rejects only when `signal` is aborted. */
export async function runSlurmCommand(file: string, args: readonly string[], options: SlurmCommandOptions): Promise<SlurmCommandResult> {
  const result = await runCommand(file, args, {
    cwd: options.cwd ?? process.cwd(),
    ...(options.env ? { env: options.env } : {}),
    capture: true,
    timeoutMs: options.timeoutMs,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  options.signal?.throwIfAborted();
  return {
    command: [file, ...args].join(' '),
    exitCode: result.timedOut ? undefined : result.exitCode,
    stdout: result.stdout,
    stderr: result.stderr,
    timedOut: result.timedOut,
    ok: result.exitCode === 0 && !result.timedOut,
    output: result.output.slice(0, 4000),
    end: describeEnd(result, options.timeoutMs),
  };
}

/** A one-line account of how a failed command ended, for logs and errors: `exit 1: <output>`. */
export function describeCommandEnd(result: SlurmCommandResult): string {
  const output = result.output.replace(/\s*\n\s*/g, ' | ');
  return output === '' ? result.end : `${result.end}: ${output}`;
}
