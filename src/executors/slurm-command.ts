// The one door to the scheduler: every SLURM command the executor runs goes through `runSlurmCommand`, with an
// argument array (no shell), a timeout and the caller's AbortSignal, so each call is bounded and can be counted.
import { killGroup } from '../process.js';

/** execa, loaded at the first scheduler command: loading it costs 60 ms, which a local ensemble never needs to pay. */
let execaModule: Promise<typeof import('execa')> | undefined;

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

/** Milliseconds between SIGTERM and SIGKILL for a command being stopped. */
const KILL_GRACE_MS = 2000;

/** Runs one scheduler command; resolves however it ends, and rejects only when `signal` is aborted. */
export async function runSlurmCommand(file: string, args: readonly string[], options: SlurmCommandOptions): Promise<SlurmCommandResult> {
  options.signal?.throwIfAborted();
  const { execa } = await (execaModule ??= import('execa'));
  options.signal?.throwIfAborted();
  const stopper = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    stopper.abort();
  }, options.timeoutMs);
  const onAbort = (): void => stopper.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  // Its own process group, killed whole: a site's sbatch wrapper script may leave children that hold the output
  // pipe open, and execa would wait for them past the timeout.
  const child = execa(file, args, {
    cwd: options.cwd,
    env: options.env,
    reject: false,
    stdin: 'ignore',
    detached: true,
    cancelSignal: stopper.signal,
    forceKillAfterDelay: KILL_GRACE_MS,
  });
  let killTimer: NodeJS.Timeout | undefined;
  const stopGroup = (): void => {
    if (child.pid === undefined) return;
    const pid = child.pid;
    killGroup(pid, 'SIGTERM');
    killTimer = setTimeout(() => killGroup(pid, 'SIGKILL'), KILL_GRACE_MS);
  };
  stopper.signal.addEventListener('abort', stopGroup, { once: true });
  try {
    const result = await child;
    options.signal?.throwIfAborted();
    const stdout = String(result.stdout ?? '');
    const stderr = String(result.stderr ?? '');
    const exitCode = timedOut ? undefined : result.exitCode;
    return {
      command: [file, ...args].join(' '),
      exitCode,
      stdout,
      stderr,
      timedOut,
      ok: exitCode === 0,
      output: (stderr.trim() || stdout.trim() || (result.failed ? (result.shortMessage ?? '') : '')).slice(0, 4000),
    };
  } finally {
    clearTimeout(timer);
    clearTimeout(killTimer);
    stopper.signal.removeEventListener('abort', stopGroup);
    options.signal?.removeEventListener('abort', onAbort);
  }
}

/** A one-line account of how a failed command ended, for logs and errors: `exit 1: <output>`. */
export function describeCommandEnd(result: SlurmCommandResult, timeoutMs: number): string {
  const end = result.timedOut ? `timed out after ${timeoutMs / 1000} s` : result.exitCode === undefined ? 'could not run' : `exit ${result.exitCode}`;
  const output = result.output.replace(/\s*\n\s*/g, ' | ');
  return output === '' ? end : `${end}: ${output}`;
}
