// Runs user shell commands and local jobs. The hot path of every run (pre_run, the local job, post_run) starts a
// process, so this uses child_process directly: output goes to an open file descriptor or a small bounded buffer,
// never through streams the parent must pump (FACTS.md: 0.7 ms per spawn against 2-4 ms through execa's pipes).
// Scheduler commands, which are few, go through execa (executors/slurm.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/**
 * The environment commands inherit, read once. Handing `process.env` itself to spawn makes Node read every variable
 * through its accessor on each call: measured here, that doubled the cost of starting a process (2.3 ms against
 * 1.2 ms per `bash -c` with 16 at once). The tool never changes its own environment, so one copy serves.
 */
export const INHERITED_ENV: Readonly<Record<string, string>> = Object.freeze(
  Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined)),
);

/** The environment of a command: the inherited one, with `extra` laid over it. */
export function buildEnv(extra?: Readonly<Record<string, string>>): Record<string, string> {
  return extra ? { ...INHERITED_ENV, ...extra } : (INHERITED_ENV as Record<string, string>);
}

/** How a finished command ended. */
export interface CommandResult {
  /** The exit code, or undefined when a signal ended the process. */
  readonly exitCode: number | undefined;
  readonly signal: NodeJS.Signals | undefined;
  readonly timedOut: boolean;
  /** Stopped because the caller's signal was aborted. */
  readonly aborted: boolean;
  /** The last bytes of stdout and stderr together, when captured. */
  readonly output: string;
  readonly durationMs: number;
}

/** Whether a command ended with exit code 0. */
export function succeeded(result: CommandResult): boolean {
  return result.exitCode === 0 && !result.timedOut && !result.aborted;
}

/** A short description of how a command ended: `exit 3`, `killed by SIGKILL`, `timed out after 5 s`. */
export function describeEnd(result: CommandResult, timeoutMs?: number): string {
  if (result.timedOut) return `timed out after ${timeoutMs === undefined ? '?' : timeoutMs / 1000} s`;
  if (result.aborted) return 'interrupted';
  if (result.signal) return `killed by ${result.signal}`;
  return `exit ${String(result.exitCode)}`;
}

export interface CommandOptions {
  readonly cwd: string;
  readonly env?: Readonly<Record<string, string>>;
  /** Kill the command (its whole process group) after this many milliseconds. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /**
   * Write stdout and stderr to this file, created or truncated (or appended to, with `appendOutput`); otherwise
   * they go through pipes and their last `captureBytes` are kept. A file costs no pipes and no events.
   */
  readonly outputFile?: string;
  /** Append to `outputFile`; after a failure, what the command appended (its last `captureBytes`) is the output. */
  readonly appendOutput?: boolean;
  /** How many bytes of output to keep; default 8 KiB. */
  readonly captureBytes?: number;
  /** Milliseconds between SIGTERM and SIGKILL when stopping a command; default 2000. */
  readonly killGraceMs?: number;
}

/** Runs `command` with `shell -c` and resolves when it ends; never rejects for the command's own failure. */
export async function runShell(shell: string, command: string, options: CommandOptions): Promise<CommandResult> {
  return runProcess(shell, ['-c', command], options);
}

/** Sends a signal to a process group, ignoring a group that is already gone. */
export function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone: nothing to stop.
  }
}

/** Runs a program with arguments (no shell) in its own process group; resolves when it ends. */
export async function runProcess(file: string, args: readonly string[], options: CommandOptions): Promise<CommandResult> {
  options.signal?.throwIfAborted();
  const started = performance.now();
  // Opened in place: an asynchronous open and close would be two thread-pool round trips per command.
  const fd = options.outputFile ? openSync(options.outputFile, options.appendOutput ? 'a+' : 'w') : undefined;
  const startOffset = fd !== undefined && options.appendOutput ? fstatSync(fd).size : 0;
  const limit = options.captureBytes ?? 8192;
  let captured = '';
  let child: ChildProcess;
  try {
    child = spawn(file, args, {
      cwd: options.cwd,
      env: buildEnv(options.env),
      // Its own process group, so a timeout or Ctrl-C stops the command's children too.
      detached: true,
      stdio: ['ignore', fd ?? 'pipe', fd ?? 'pipe'],
    });
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    throw error;
  }
  const keep = (chunk: Buffer): void => {
    captured += chunk.toString();
    if (captured.length > limit * 2) captured = captured.slice(-limit);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);

  let timedOut = false;
  let aborted = false;
  let killTimer: NodeJS.Timeout | undefined;
  const stop = (): void => {
    if (child.pid === undefined) return;
    killGroup(child.pid, 'SIGTERM');
    killTimer ??= setTimeout(() => child.pid !== undefined && killGroup(child.pid, 'SIGKILL'), options.killGraceMs ?? 2000);
  };
  const timeout =
    options.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          stop();
        }, options.timeoutMs);
  const onAbort = (): void => {
    aborted = true;
    stop();
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });

  try {
    const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code, sig) => resolve([code, sig]));
      // A background process started by the command may hold the output pipe open for ever: once the command
      // itself has exited, wait only briefly for the rest of its output.
      child.once('exit', (code, sig) => {
        if (child.stdout || child.stderr) setTimeout(() => resolve([code, sig]), 100).unref();
        else resolve([code, sig]);
      });
    });
    const failed = exitCode !== 0 || timedOut || aborted;
    const output = fd !== undefined ? (failed && options.appendOutput ? readTail(fd, startOffset, limit) : '') : captured.slice(-limit);
    return {
      exitCode: exitCode ?? undefined,
      signal: signal ?? undefined,
      timedOut,
      aborted,
      output,
      durationMs: performance.now() - started,
    };
  } finally {
    // A background process the command started may still hold the pipes: let go of our ends.
    child.stdout?.destroy();
    child.stderr?.destroy();
    if (timeout) clearTimeout(timeout);
    if (killTimer) clearTimeout(killTimer);
    options.signal?.removeEventListener('abort', onAbort);
    if (fd !== undefined) closeSync(fd);
  }
}

/** The last `limit` bytes written to the open file `fd` after `from`. */
function readTail(fd: number, from: number, limit: number): string {
  const end = fstatSync(fd).size;
  const start = Math.max(from, end - limit);
  const buffer = Buffer.alloc(end - start);
  const read = readSync(fd, buffer, 0, buffer.length, start);
  return buffer.subarray(0, read).toString();
}
