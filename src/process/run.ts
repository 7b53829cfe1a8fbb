// The one way the tool runs a command: user commands (tasks), scheduler commands, rsync and df alike. Every run is
// bounded by `AbortSignal.any([signal, AbortSignal.timeout(ms)])`, and on abort or timeout the command's whole
// process group gets SIGTERM, then SIGKILL after a grace period, so nothing a command started outlives its bound.
//
// A user command's output goes to a file (`outputFile`, or a file of its own that is read and removed), never
// through pipes: the orchestrator then neither pumps output nor waits for a background process the command left
// holding a pipe, and the process helper starts it (no fork of the orchestrator). Scheduler commands (`capture`),
// which are few and want stdout apart from stderr, are started by execa.
import { closeSync, fstatSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stopGroup } from './kill.js';
import { startProcess } from './starter.js';
import { StartError, type ProcessExit, type StartedProcess } from './types.js';

/** How a finished command ended. */
export interface CommandResult {
  /** The exit code, or undefined when a signal ended the process or it could not start. */
  readonly exitCode: number | undefined;
  readonly signal: NodeJS.Signals | undefined;
  /** Stopped because it ran longer than its timeout. */
  readonly timedOut: boolean;
  /** Stopped because the caller's signal was aborted. */
  readonly aborted: boolean;
  /** Why it could not start (`ENOENT: ...`), if it could not. */
  readonly startError: string | undefined;
  /** With `capture`: all it wrote to stdout (up to `captureBytes`). */
  readonly stdout: string;
  /** With `capture`: what it wrote to stderr (its last `captureBytes`). */
  readonly stderr: string;
  /** What to show of it: the last `captureBytes` it wrote (of what it appended, with `appendOutput`; stderr first with `capture`), or why it could not start. */
  readonly output: string;
  readonly durationMs: number;
}

export interface CommandOptions {
  readonly cwd: string;
  readonly env?: Readonly<Record<string, string>>;
  /** The command and its process group are stopped after this many milliseconds. */
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  /** stdout and stderr go to this file, created or truncated (or appended to, with `appendOutput`). */
  readonly outputFile?: string;
  readonly appendOutput?: boolean;
  /** Return stdout and stderr apart, through pipes (scheduler commands); default: output in a file. */
  readonly capture?: boolean;
  /** How many bytes of output to return; default 8 KiB (16 MiB of stdout with `capture`). */
  readonly captureBytes?: number;
  /** Milliseconds between SIGTERM and SIGKILL when stopping a command; default 2000. */
  readonly killGraceMs?: number;
}

/** Whether a command ended with exit code 0, in time. */
export function succeeded(result: CommandResult): boolean {
  return result.exitCode === 0 && !result.timedOut && !result.aborted;
}

/** A short description of how a command ended: `exit 3`, `killed by SIGKILL`, `timed out after 5 s`. */
export function describeEnd(result: CommandResult, timeoutMs?: number): string {
  if (result.timedOut) return `timed out after ${timeoutMs === undefined ? '?' : timeoutMs / 1000} s`;
  if (result.aborted) return 'interrupted';
  if (result.startError !== undefined) return `could not start (${result.startError})`;
  if (result.signal) return `killed by ${result.signal}`;
  return `exit ${String(result.exitCode)}`;
}

/** Runs `command` with `shell -c` and resolves when it ends; never rejects for the command's own failure. */
export async function runShell(shell: string, command: string, options: CommandOptions): Promise<CommandResult> {
  return runCommand(shell, ['-c', command], options);
}

/** Files made for the output of commands that name none, numbered within this process. */
let ownFiles = 0;

/** execa, loaded at the first captured command: loading it costs 60 ms, which a local ensemble never pays. */
let execaModule: Promise<typeof import('execa')> | undefined;

/** A started command and, once it has ended, what it wrote. */
interface Started {
  readonly pid: number | undefined;
  readonly ended: Promise<Partial<CommandResult>>;
}

/**
 * Runs a program with arguments (no shell) in a process group of its own; resolves when it has ended, however it
 * ended (a program that cannot start is a result too). Rejects only when `signal` was aborted before the start.
 */
export async function runCommand(file: string, args: readonly string[], options: CommandOptions): Promise<CommandResult> {
  options.signal?.throwIfAborted();
  const began = performance.now();
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const bound = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const started = options.capture ? await startCaptured(file, args, options, bound) : await startToFile(file, args, options);
  let cancelKill: (() => void) | undefined;
  const stop = (): void => {
    if (started.pid !== undefined) cancelKill ??= stopGroup(started.pid, options.killGraceMs ?? 2000);
  };
  if (bound.aborted) stop();
  bound.addEventListener('abort', stop, { once: true });
  let fields: Partial<CommandResult>;
  try {
    fields = await started.ended;
  } finally {
    bound.removeEventListener('abort', stop);
    cancelKill?.();
  }
  return {
    exitCode: undefined,
    signal: undefined,
    startError: undefined,
    stdout: '',
    stderr: '',
    output: '',
    ...fields,
    timedOut: timeout.aborted && options.signal?.aborted !== true,
    aborted: options.signal?.aborted === true,
    durationMs: performance.now() - began,
  };
}

/** A command started by the process helper, its output in `outputFile` or in a file of its own, read at the end. */
async function startToFile(file: string, args: readonly string[], options: CommandOptions): Promise<Started> {
  const own = options.outputFile === undefined;
  const outputFile = options.outputFile ?? path.join(os.tmpdir(), `model_ensemble-${process.pid}-${++ownFiles}.out`);
  const append = options.appendOutput === true && !own;
  const from = append ? sizeOf(outputFile) : 0;
  const limit = options.captureBytes ?? 8192;
  let child: StartedProcess;
  try {
    child = await startProcess(file, args, { cwd: options.cwd, env: options.env, outputFile, append, private: own });
  } catch (error) {
    if (own) rmSync(outputFile, { force: true });
    if (!(error instanceof StartError)) throw error;
    return { pid: undefined, ended: Promise.resolve({ startError: `${error.code}: ${error.message}`, output: error.message }) };
  }
  const ended = child.exited.then((exit: ProcessExit) => {
    try {
      // A command that succeeded into the caller's file has said nothing the caller needs.
      const output = own || exit.code !== 0 ? readTail(outputFile, from, limit) : '';
      return { exitCode: exit.code ?? undefined, signal: exit.signal ?? undefined, output };
    } finally {
      if (own) rmSync(outputFile, { force: true });
    }
  });
  return { pid: child.pid, ended };
}

/** A command started by execa, stdout and stderr kept apart (scheduler commands). */
async function startCaptured(file: string, args: readonly string[], options: CommandOptions, bound: AbortSignal): Promise<Started> {
  const { execa } = await (execaModule ??= import('execa'));
  const child = execa(file, args, {
    cwd: options.cwd,
    env: options.env,
    reject: false,
    stdin: 'ignore',
    // Its own process group, stopped whole: a site's sbatch wrapper may leave children that hold the pipes open.
    detached: true,
    cancelSignal: bound,
    forceKillAfterDelay: options.killGraceMs ?? 2000,
    maxBuffer: options.captureBytes ?? 16 * 1024 * 1024,
  });
  const ended = child.then((done) => {
    const stdout = String(done.stdout ?? '');
    const stderr = String(done.stderr ?? '');
    const notStarted = done.exitCode === undefined && done.signal === undefined && done.failed && !bound.aborted;
    return {
      exitCode: done.exitCode,
      signal: (done.signal ?? undefined) as NodeJS.Signals | undefined,
      stdout,
      stderr,
      startError: notStarted ? done.shortMessage : undefined,
      output: (stderr.trim() || stdout.trim() || (done.failed ? (done.shortMessage ?? '') : '')).slice(-8192),
    };
  });
  return { pid: child.pid, ended };
}

/** A file's size, 0 when it does not exist yet. */
function sizeOf(file: string): number {
  return statSync(file, { throwIfNoEntry: false })?.size ?? 0;
}

/** The last `limit` bytes written to `file` after `from`; empty when the file is gone. */
function readTail(file: string, from: number, limit: number): string {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return '';
  }
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
