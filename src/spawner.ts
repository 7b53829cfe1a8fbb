// Starts the processes of every run (pre_run, the local job, post_run) without forking the orchestrator.
// Forking a process of 100 MB costs the parent 1.5 ms of blocked event loop per child (page tables copied, then
// copy-on-write faults), which at three processes per run was most of the orchestrator's own time. A small
// long-lived helper, a Perl script (perl-base is part of every Debian and RHEL install), forks instead: the
// orchestrator writes one record per process to its stdin and reads one line back when the process has started
// and one when it has ended, so a process's end is still an event. Where perl cannot be started, processes are
// forked directly, as they are with MODEL_ENSEMBLE_SPAWNER=fork.
//
// When the orchestrator dies, the helper sees the end of its input and leaves; the processes, each in a session of
// its own, run on (the local executor re-attaches to its jobs through the files they write). Should the helper
// die first, the ends of its processes are unknown: they are reported as lost (StartError `ELOST`).
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { constants } from 'node:os';
import { HELPER_SCRIPT } from './spawn-helper.js';

/**
 * The environment processes inherit, read once. Handing `process.env` itself to spawn makes Node read every variable
 * through its accessor on each call: measured here, that doubled the cost of starting a process (2.3 ms against
 * 1.2 ms per `bash -c` with 16 at once). The tool never changes its own environment, so one copy serves.
 */
export const INHERITED_ENV: Readonly<Record<string, string>> = Object.freeze(
  Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined)),
);

/** The environment of a process: the inherited one, with `extra` laid over it. */
export function buildEnv(extra?: Readonly<Record<string, string>>): Record<string, string> {
  return extra ? { ...INHERITED_ENV, ...extra } : (INHERITED_ENV as Record<string, string>);
}

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

export interface StartOptions {
  readonly cwd: string;
  /** Variables laid over the inherited environment. */
  readonly env?: Readonly<Record<string, string>> | undefined;
  /** stdout and stderr go to this file, truncated first or appended to. */
  readonly outputFile: string;
  readonly append: boolean;
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

/** errno numbers by name, turned around: 2 → ENOENT. */
const ERRNO_NAMES = new Map(Object.entries(constants.errno).map(([name, n]) => [n, name]));
/** Signal names by number: 9 → SIGKILL. */
const SIGNAL_NAMES = new Map(Object.entries(constants.signals).map(([name, n]) => [n, name as NodeJS.Signals]));

interface Pending {
  resolveStart(pid: number): void;
  rejectStart(error: Error): void;
  resolveExit(exit: ProcessExit): void;
  rejectExit(error: Error): void;
  started: boolean;
}

/** Thrown into the requests of a helper that never became ready: they were not carried out and may be retried. */
class HelperUnavailable extends Error {}

/** One helper process and the processes it started. */
class Helper {
  private readonly child: ChildProcess;
  private readonly pending = new Map<string, Pending>();
  private nextId = 0;
  private rest = '';
  private ready = false;
  /** No more requests: the helper has exited, or could not start. */
  closed = false;

  constructor(perl: string) {
    this.child = spawn(perl, ['-e', HELPER_SCRIPT], {
      // Its own process group: Ctrl-C at the terminal is the orchestrator's to handle, not the helper's.
      detached: true,
      stdio: ['pipe', 'pipe', 'inherit'],
      env: INHERITED_ENV as Record<string, string>,
    });
    this.child.once('error', () => this.end());
    this.child.once('exit', () => {
      this.closed = true;
    });
    this.child.stdin?.on('error', () => this.end());
    this.child.stdout?.setEncoding('utf8');
    this.child.stdout?.on('data', (chunk: string) => this.read(chunk));
    this.child.stdout?.once('close', () => this.end());
    this.idle();
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  start(file: string, args: readonly string[], options: StartOptions): Promise<StartedProcess> {
    const id = String(this.nextId++);
    const env = Object.entries(options.env ?? {});
    const fields = [id, options.cwd, options.outputFile, options.append ? 'a' : '', String(env.length), ...env.flat(), file, ...args];
    const record = Buffer.from(fields.join('\0'));
    let resolveExit!: (exit: ProcessExit) => void;
    let rejectExit!: (error: Error) => void;
    const exited = new Promise<ProcessExit>((resolve, reject) => {
      resolveExit = resolve;
      rejectExit = reject;
    });
    // Awaited by the caller only after its start; a helper lost before then must not leave an unhandled rejection.
    exited.catch(() => undefined);
    const started = new Promise<StartedProcess>((resolve, reject) => {
      this.pending.set(id, {
        resolveStart: (pid) => resolve({ pid, exited }),
        rejectStart: reject,
        resolveExit,
        rejectExit,
        started: false,
      });
    });
    if (this.pending.size === 1) this.busy();
    this.child.stdin?.write(Buffer.concat([Buffer.from(`${record.length}\n`), record]));
    return started;
  }

  private read(chunk: string): void {
    const lines = (this.rest + chunk).split('\n');
    this.rest = lines.pop() ?? '';
    for (const line of lines) {
      const [kind, id = '', a = '', ...more] = line.split('\t');
      const b = more.join('\t');
      if (kind === 'R') {
        this.ready = true;
        continue;
      }
      const pending = this.pending.get(id);
      if (!pending) continue;
      if (kind === 'P') {
        pending.started = true;
        pending.resolveStart(Number(a));
      } else if (kind === 'E') {
        this.settle(id);
        pending.rejectStart(new StartError(`cannot start: ${b}`, ERRNO_NAMES.get(Number(a)) ?? 'EUNKNOWN'));
      } else if (kind === 'X') {
        this.settle(id);
        const exit: ProcessExit = a === '' ? { code: null, signal: SIGNAL_NAMES.get(Number(b)) ?? 'SIGKILL' } : { code: Number(a), signal: null };
        // A start and an end read in one chunk: the end is told in a later turn, after the caller has heard of the
        // start (as a child process's 'exit' always comes after spawn returns).
        setImmediate(() => pending.resolveExit(exit));
      }
    }
  }

  private settle(id: string): void {
    this.pending.delete(id);
    if (this.pending.size === 0) this.idle();
  }

  /** The helper's pipes keep the orchestrator alive only while a process of it runs. */
  private busy(): void {
    this.child.ref();
    (this.child.stdout as { ref?: () => void } | null)?.ref?.();
  }

  private idle(): void {
    this.child.unref();
    (this.child.stdout as { unref?: () => void } | null)?.unref?.();
    (this.child.stdin as { unref?: () => void } | null)?.unref?.();
  }

  /**
   * No report will come any more. Requests of a helper that never became ready were not carried out and may go
   * elsewhere; otherwise what was asked is lost.
   */
  private end(): void {
    this.closed = true;
    for (const [id, pending] of this.pending) {
      this.settle(id);
      if (pending.started) pending.rejectExit(new StartError('the process helper exited; the end of this process is unknown', 'ELOST'));
      else pending.rejectStart(this.ready ? new StartError('the process helper exited before starting this process', 'ELOST') : new HelperUnavailable());
    }
  }
}

/** Starts processes through a helper while one can run, by forking otherwise. */
export class ProcessStarter {
  private helper: Helper | undefined;

  /** `perl`: the interpreter of the helper; undefined (or once it cannot be run): always fork. */
  constructor(private perl: string | undefined) {}

  /**
   * Starts `file args` in a session of its own, in `cwd`, with its output in a file and stdin from /dev/null.
   * Rejects with a StartError (its errno code as `code`) when the process cannot be started.
   */
  async start(file: string, args: readonly string[], options: StartOptions): Promise<StartedProcess> {
    if (this.perl !== undefined) {
      if (!this.helper || this.helper.closed) this.helper = new Helper(this.perl);
      try {
        return await this.helper.start(file, args, options);
      } catch (error) {
        if (!(error instanceof HelperUnavailable)) throw error;
        this.perl = undefined;
      }
    }
    return forkProcess(file, args, options);
  }

  /** How processes are started now: through the helper, or by forking. */
  get method(): 'helper' | 'fork' {
    return this.perl === undefined ? 'fork' : 'helper';
  }

  /** The pid of the running helper, if any. */
  get helperPid(): number | undefined {
    return this.helper && !this.helper.closed ? this.helper.pid : undefined;
  }
}

/** The starter of this process: `MODEL_ENSEMBLE_SPAWNER=fork` forks, `MODEL_ENSEMBLE_PERL` names the interpreter. */
const STARTER = new ProcessStarter(process.env.MODEL_ENSEMBLE_SPAWNER === 'fork' ? undefined : (process.env.MODEL_ENSEMBLE_PERL ?? 'perl'));

/** Starts a process through this process's starter (see ProcessStarter.start). */
export function startProcess(file: string, args: readonly string[], options: StartOptions): Promise<StartedProcess> {
  return STARTER.start(file, args, options);
}

/** Starts a process by forking the orchestrator. */
async function forkProcess(file: string, args: readonly string[], options: StartOptions): Promise<StartedProcess> {
  // Opened and closed in place: an asynchronous open and close would be two thread-pool round trips per process.
  const fd = openSync(options.outputFile, options.append ? 'a' : 'w');
  try {
    const child = spawn(file, args, { cwd: options.cwd, env: buildEnv(options.env), detached: true, stdio: ['ignore', fd, fd] });
    const exited = new Promise<ProcessExit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    if (child.pid !== undefined) return { pid: child.pid, exited };
    // Without a pid the spawn failed (ENOENT, EAGAIN on a busy node): its 'error' follows.
    const error = await new Promise<NodeJS.ErrnoException>((resolve) => child.once('error', resolve));
    throw new StartError(`cannot start ${file}: ${error.message}`, error.code ?? 'EUNKNOWN');
  } finally {
    closeSync(fd);
  }
}
