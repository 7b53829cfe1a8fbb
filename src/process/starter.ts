// Starting a process: through the helper (helper.ts) while one can run, by forking otherwise (no perl, or
// MODEL_ENSEMBLE_SPAWNER=fork). Either way the process runs in a session of its own, in its folder, with stdin from
// /dev/null and its output in files, and a job writes its start marker and exit-code file whatever becomes of the
// orchestrator.
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { buildEnv } from './env.js';
import { Helper, HELPER_READY_MS, HelperUnavailable } from './helper.js';
import { StartError, type ProcessExit, type StartedProcess, type StartOptions } from './types.js';

/**
 * A forked job's keeper, for when there is no helper: a shell that writes the job's marker, runs it, and writes its
 * exit code. Its pid is the job's; its fields match what the helper writes (helper-program.ts).
 */
const FORKED_JOB = [
  'marker=$1 exit=$2 tag=$3; shift 3',
  'read -r stat < /proc/$$/stat; read -r -a f <<< "${stat##*) }"',
  `printf '%s %s - %s\\n%s\\n' "$HOSTNAME" "$$" "\${f[19]}" "$tag" > "$marker" || exit 127`,
  '"$@"; rc=$?',
  `printf '%s\\n' "$rc" > "$exit"`,
  'exit "$rc"',
].join('\n');

/** Starts processes through a helper while one can run, by forking otherwise. */
export class ProcessStarter {
  private helper: Helper | undefined;
  /** Told once when the helper is given up for forking, and why. */
  onFallback: ((why: string) => void) | undefined;

  /**
   * `perl`: the interpreter of the helper; undefined (or once it cannot be run): always fork. `readyMs`: how long a
   * new helper may take to say it is ready.
   */
  constructor(
    private perl: string | undefined,
    private readonly readyMs = HELPER_READY_MS,
  ) {}

  /**
   * Starts `file args` in a session of its own, in `cwd`, with its output in files and stdin from /dev/null.
   * Rejects with a StartError (its errno code as `code`) when the process cannot be started.
   */
  async start(file: string, args: readonly string[], options: StartOptions): Promise<StartedProcess> {
    if (this.perl !== undefined) {
      if (!this.helper || this.helper.closed) this.helper = new Helper(this.perl, this.readyMs);
      try {
        return await this.helper.start(file, args, options);
      } catch (error) {
        if (!(error instanceof HelperUnavailable)) throw error;
        this.onFallback?.(`${this.helper.givenUp ?? `the process helper (${this.perl}) could not be started`}; processes are forked instead`);
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

/** Who hears that this process's starter gave the helper up (the run's logger). */
export function onStarterFallback(listener: ((why: string) => void) | undefined): void {
  STARTER.onFallback = listener;
}

/** Starts a process through this process's starter (see ProcessStarter.start). */
export function startProcess(file: string, args: readonly string[], options: StartOptions): Promise<StartedProcess> {
  return STARTER.start(file, args, options);
}

/** Starts a process by forking the orchestrator. */
async function forkProcess(file: string, args: readonly string[], options: StartOptions): Promise<StartedProcess> {
  // Opened and closed in place: an asynchronous open and close would be two thread-pool round trips per process.
  // Never writable by others, whatever the umask; the job's marker and exit-code file already exist (clearJobFiles).
  const out = openSync(options.outputFile, options.append ? 'a' : 'w', options.private ? 0o600 : 0o644);
  try {
    const job = options.job;
    const [program, words] = job ? ['/bin/bash', ['-c', FORKED_JOB, 'model_ensemble-job', job.marker, job.exitCode, job.tag, file, ...args]] : [file, args];
    const child = spawn(program, words, { cwd: options.cwd, env: buildEnv(options.env), detached: true, stdio: ['ignore', out, out] });
    const exited = new Promise<ProcessExit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    if (child.pid !== undefined) return { pid: child.pid, exited };
    // Without a pid the spawn failed (ENOENT, EAGAIN on a busy node): its 'error' follows.
    const error = await new Promise<NodeJS.ErrnoException>((resolve) => child.once('error', resolve));
    throw new StartError(`cannot start ${program}: ${error.message}`, error.code ?? 'EUNKNOWN');
  } finally {
    closeSync(out);
  }
}
