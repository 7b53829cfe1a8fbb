// Runs user shell commands and local jobs. The hot path of every run (pre_run, the local job, post_run) starts a
// process, so this uses child_process directly: output goes to an open file descriptor or a small bounded buffer,
// never through streams the parent must pump (FACTS.md: 0.7 ms per spawn against 2-4 ms through execa's pipes).
// Scheduler commands, which are few, go through execa (executors/slurm.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';

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
  /** Write stdout and stderr to this file (created or truncated); otherwise keep their last `captureBytes`. */
  readonly outputFile?: string;
  /** How many bytes of output to keep when not writing a file; default 8 KiB. */
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
  const handle = options.outputFile ? await fs.open(options.outputFile, 'w') : undefined;
  const limit = options.captureBytes ?? 8192;
  let captured = '';
  let child: ChildProcess;
  try {
    child = spawn(file, args, {
      cwd: options.cwd,
      env: options.env ? { ...process.env, ...options.env } : process.env,
      // Its own process group, so a timeout or Ctrl-C stops the command's children too.
      detached: true,
      stdio: ['ignore', handle ? handle.fd : 'pipe', handle ? handle.fd : 'pipe'],
    });
  } catch (error) {
    await handle?.close();
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
    return {
      exitCode: exitCode ?? undefined,
      signal: signal ?? undefined,
      timedOut,
      aborted,
      output: captured.length > limit ? captured.slice(-limit) : captured,
      durationMs: performance.now() - started,
    };
  } finally {
    // A background process the command started may still hold the pipes: let go of our ends.
    child.stdout?.destroy();
    child.stderr?.destroy();
    if (timeout) clearTimeout(timeout);
    if (killTimer) clearTimeout(killTimer);
    options.signal?.removeEventListener('abort', onAbort);
    await handle?.close();
  }
}
