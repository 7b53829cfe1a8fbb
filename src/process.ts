// Runs user shell commands. The hot path of every run (pre_run, post_run) starts a process with its output in a file,
// through the process helper (spawner.ts), so the orchestrator neither forks nor pumps output; a command whose output
// is kept in memory instead (a small bounded buffer) is forked directly, with pipes. Scheduler commands, which are
// few, go through execa (executors/slurm-command.ts).
import { spawn } from 'node:child_process';
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { buildEnv, startProcess, type ProcessExit, type StartedProcess } from './spawner.js';

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
  // -0 would be this process's own group.
  if (!(pid > 0)) return;
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
  const limit = options.captureBytes ?? 8192;
  const output = options.outputFile;
  const startOffset = output !== undefined && options.appendOutput ? sizeOf(output) : 0;
  let captured: (() => string) | undefined;
  let child: StartedProcess;
  if (output !== undefined) {
    child = await startProcess(file, args, { cwd: options.cwd, env: options.env, outputFile: output, append: options.appendOutput === true });
  } else {
    const piped = startPiped(file, args, options, limit);
    child = piped;
    captured = piped.captured;
  }

  let timedOut = false;
  let aborted = false;
  let killTimer: NodeJS.Timeout | undefined;
  const stop = (): void => {
    killGroup(child.pid, 'SIGTERM');
    killTimer ??= setTimeout(() => killGroup(child.pid, 'SIGKILL'), options.killGraceMs ?? 2000);
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
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener('abort', onAbort, { once: true });

  try {
    const { code: exitCode, signal } = await child.exited;
    const failed = exitCode !== 0 || timedOut || aborted;
    const text = captured ? captured() : failed && options.appendOutput && output !== undefined ? readTail(output, startOffset, limit) : '';
    return {
      exitCode: exitCode ?? undefined,
      signal: signal ?? undefined,
      timedOut,
      aborted,
      output: text,
      durationMs: performance.now() - started,
    };
  } finally {
    if (timeout) clearTimeout(timeout);
    if (killTimer) clearTimeout(killTimer);
    options.signal?.removeEventListener('abort', onAbort);
  }
}

/** Forks a process whose output comes back through pipes, keeping the last `limit` bytes of it. */
function startPiped(file: string, args: readonly string[], options: CommandOptions, limit: number): StartedProcess & { captured: () => string } {
  // Its own process group, so a timeout or Ctrl-C stops the command's children too.
  const child = spawn(file, args, { cwd: options.cwd, env: buildEnv(options.env), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  const keep = (chunk: Buffer): void => {
    text += chunk.toString();
    if (text.length > limit * 2) text = text.slice(-limit);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<ProcessExit>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal }));
    // A background process started by the command may hold the output pipe open for ever: once the command
    // itself has exited, wait only briefly for the rest of its output.
    child.once('exit', (code, signal) => setTimeout(() => resolve({ code, signal }), 100).unref());
  }).finally(() => {
    // A background process the command started may still hold the pipes: let go of our ends.
    child.stdout?.destroy();
    child.stderr?.destroy();
  });
  return { pid: child.pid ?? 0, exited, captured: () => text.slice(-limit) };
}

/** A file's size, 0 when it does not exist yet. */
function sizeOf(file: string): number {
  return statSync(file, { throwIfNoEntry: false })?.size ?? 0;
}

/** The last `limit` bytes written to `file` after `from`. */
function readTail(file: string, from: number, limit: number): string {
  const fd = openSync(file, 'r');
  try {
    const end = fstatSync(fd).size;
    const start = Math.max(from, end - limit);
    const buffer = Buffer.alloc(Math.max(0, end - start));
    const read = readSync(fd, buffer, 0, buffer.length, start);
    return buffer.subarray(0, read).toString();
  } finally {
    closeSync(fd);
  }
}
