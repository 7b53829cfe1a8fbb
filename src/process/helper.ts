// The process helper: one long-lived Perl process (helper-program.ts) that forks on the orchestrator's behalf.
// Forking a process whose heap holds the state of thousands of runs blocked the orchestrator's event loop for about
// 1.5 ms a time (page tables, then copy-on-write faults), most of its own time at three processes per run. The
// orchestrator writes one record per process to the helper's stdin and reads one line back when the process has
// started and one when it has ended, so a process's end is still an event.
//
// When the orchestrator dies, the helper sees the end of its input; it stays until its jobs have ended (writing
// their exit codes) and leaves. Processes run in sessions of their own and outlive both. Should the helper die
// first, the ends of its processes are unknown: they are reported as lost (StartError `ELOST`).
import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import { INHERITED_ENV } from './env.js';
import { killGroup } from './kill.js';
import { HELPER_PROGRAM } from './helper-program.js';
import { StartError, type ProcessExit, type StartedProcess, type StartOptions } from './types.js';

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

/** Thrown into the requests of a helper that never became ready: they were not carried out and may go elsewhere. */
export class HelperUnavailable extends Error {}

/** How long a helper may take to say it is ready before it is given up for forking. */
export const HELPER_READY_MS = 5000;

/** One helper process and the processes it started. */
export class Helper {
  private readonly child: ChildProcess;
  private readonly pending = new Map<string, Pending>();
  private nextId = 0;
  private rest = '';
  private ready = false;
  /** No more requests: the helper has exited, or could not start. */
  closed = false;
  /** Set when the helper did not become ready in time: why it was given up. */
  givenUp: string | undefined;
  private readonly readyTimer: NodeJS.Timeout;

  constructor(perl: string, readyMs = HELPER_READY_MS) {
    this.child = spawn(perl, ['-e', HELPER_PROGRAM], {
      // Its own process group: Ctrl-C at the terminal is the orchestrator's to handle, not the helper's.
      detached: true,
      // Not the orchestrator's stderr: a helper waiting for its jobs after the orchestrator has gone must not keep
      // the terminal's pipe (`model_ensemble ... | tee log`) open.
      stdio: ['pipe', 'pipe', 'ignore'],
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
    // A perl that starts but never answers (a broken install, a wrapper waiting for input) must not leave every
    // start waiting for ever: it is stopped, and what was asked of it goes elsewhere.
    this.readyTimer = setTimeout(() => {
      this.givenUp = `the process helper (${perl}) did not answer within ${readyMs / 1000} s`;
      if (this.child.pid !== undefined) killGroup(this.child.pid, 'SIGKILL');
      this.end();
    }, readyMs);
    this.readyTimer.unref();
    this.idle();
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  start(file: string, args: readonly string[], options: StartOptions): Promise<StartedProcess> {
    const id = String(this.nextId++);
    const env = Object.entries(options.env ?? {});
    const job = options.job;
    const flags = `${options.append ? 'a' : ''}${job ? 'j' : ''}${options.private ? 'p' : ''}`;
    const head = [id, options.cwd, options.outputFile, flags, job?.marker ?? '', job?.exitCode ?? '', job?.tag ?? ''];
    const record = Buffer.from([...head, String(env.length), ...env.flat(), file, ...args].join('\0'));
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
        clearTimeout(this.readyTimer);
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
    clearTimeout(this.readyTimer);
    for (const [id, pending] of this.pending) {
      this.settle(id);
      if (pending.started) pending.rejectExit(new StartError('the process helper exited; the end of this process is unknown', 'ELOST'));
      else pending.rejectStart(this.ready ? new StartError('the process helper exited before starting this process', 'ELOST') : new HelperUnavailable());
    }
  }
}
