// Scheduler text in and out: the sbatch arguments the tool adds, and what squeue, sacct and scontrol print. Pure
// functions, so the SLURM executor's reading of the scheduler is tested on real captured output
// (test/fixtures/slurm/) and never needs a cluster to be checked.
import type { JobState } from './types.js';

/**
 * Every SLURM job state name and the JobState it means. Final states keep SLURM's name; the others say only whether
 * the job file may be running yet (PENDING) or has started (RUNNING), since the engine needs nothing finer.
 * States: "JOB STATE CODES" in https://slurm.schedmd.com/squeue.html and https://slurm.schedmd.com/sacct.html.
 */
export const SLURM_STATES: Readonly<Record<string, JobState>> = {
  PENDING: 'PENDING', // waiting for resources or priority
  CONFIGURING: 'PENDING', // resources allocated, nodes still booting: the job file has not started
  REQUEUED: 'PENDING', // sent back to the queue (only an administrator can, as we submit with --no-requeue)
  REQUEUE_HOLD: 'PENDING', // requeued and held until released
  REQUEUE_FED: 'PENDING', // requeued by a federation
  RESV_DEL_HOLD: 'PENDING', // held because its reservation was deleted
  SPECIAL_EXIT: 'PENDING', // requeued and held in a special state after a chosen exit value; may be released
  RUNNING: 'RUNNING',
  COMPLETING: 'RUNNING', // ending: processes are still being cleaned up; a final state follows
  SUSPENDED: 'RUNNING', // started, paused by an administrator or preemption, will resume
  STOPPED: 'RUNNING', // sent SIGSTOP, keeps its resources
  RESIZING: 'RUNNING', // changing its allocation
  SIGNALING: 'RUNNING', // being sent a signal
  STAGE_OUT: 'RUNNING', // staging burst-buffer data out after the job file ended
  // A federation sibling removed because another cluster started the job: the job goes on elsewhere, and its
  // exit-code file will tell its end.
  REVOKED: 'RUNNING',
  COMPLETED: 'COMPLETED', // the batch script exited 0
  FAILED: 'FAILED', // non-zero exit code or another failure
  TIMEOUT: 'TIMEOUT', // killed at its time limit
  OUT_OF_MEMORY: 'OUT_OF_MEMORY',
  NODE_FAIL: 'NODE_FAIL',
  CANCELLED: 'CANCELLED', // scancel (sacct prints "CANCELLED by <uid>")
  PREEMPTED: 'PREEMPTED', // preempted and, without requeue, ended
  BOOT_FAIL: 'BOOT_FAIL',
  DEADLINE: 'DEADLINE', // could not end before its --deadline
};

/** The JobState of a SLURM state name as squeue, sacct or scontrol print it; undefined for a name not in the table. */
export function parseSlurmState(name: string): JobState | undefined {
  // sacct prints "CANCELLED by 1000", and marks names it had to shorten with "+".
  const key = name.trim().replace(/\s+by\s+\d+$/, '').replace(/\+$/, '');
  return Object.hasOwn(SLURM_STATES, key) ? SLURM_STATES[key] : undefined;
}

/** The sbatch arguments for one wrapper script, tagged with `tag`. */
export function buildSbatchArgs(options: { readonly tag: string; readonly wrapper: string }): string[] {
  return [
    // Prints only "id" or "id;cluster", which parseJobId reads.
    '--parsable',
    // A requeued job would run again under the same id, its second end overwriting the first's exit-code file;
    // the engine retries with a fresh attempt instead. Command-line options override the script's #SBATCH lines.
    '--no-requeue',
    // How `find` recognises this attempt's job after a crash or an ambiguous sbatch failure. Not --job-name, which
    // stays the user's.
    `--comment=${options.tag}`,
    options.wrapper,
  ];
}

/** The job id in `sbatch --parsable` output (`123` or `123;cluster`); undefined when there is none. */
export function parseJobId(stdout: string): string | undefined {
  const lines = stdout.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  const match = /^(\d+)(?:;\S*)?$/.exec(lines[lines.length - 1] ?? '');
  return match?.[1];
}

/** Whether a failed sbatch's output shows a request SLURM will never accept, so trying again cannot help. */
export function isPermanentSbatchFailure(exitCode: number | undefined, output: string): boolean {
  // sbatch exits 255 for bad usage; the messages are SLURM's own for requests it rejects on their content.
  if (exitCode === 255) return true;
  return /unrecognized option|invalid|not available|can ?not be satisfied|unable to open file|does not look like a batch script|access denied|permission denied/i.test(output);
}

/** The squeue format the executor asks for: job id, full state name, reason, comment (last: it may hold `|`). */
export const SQUEUE_FORMAT = '%i|%T|%r|%k';

/** One line of squeue output in SQUEUE_FORMAT. */
export interface SqueueRow {
  readonly id: string;
  readonly state: string;
  /** Why a job waits (`Priority`, `JobHeldUser`) or how it ended (`TimeLimit`); `None` when SLURM gives none. */
  readonly reason: string;
  /** The job's `--comment`; `(null)` when it has none. */
  readonly comment: string;
}

/** Lines of scheduler output read into rows, and the lines that could not be read. */
export interface Parsed<T> {
  readonly rows: T[];
  readonly bad: string[];
}

/** Reads `squeue -h -o SQUEUE_FORMAT` output. */
export function parseSqueue(text: string): Parsed<SqueueRow> {
  const rows: SqueueRow[] = [];
  const bad: string[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const [id = '', state = '', reason, ...comment] = line.split('|');
    if (!/^\d+(_\d+|_\[[^\]]*\]|\+\d+)?$/.test(id.trim()) || !/^[A-Z_]+$/.test(state.trim()) || reason === undefined) {
      bad.push(line);
      continue;
    }
    rows.push({ id: id.trim(), state: state.trim(), reason: reason.trim(), comment: comment.join('|').trimEnd() });
  }
  return { rows, bad };
}

/** An `ExitCode=code:signal` pair as sacct and scontrol print it. */
export interface ExitPair {
  readonly code: number;
  readonly signal: number;
}

/** Reads `code:signal`; undefined for anything else. */
export function parseExitPair(text: string): ExitPair | undefined {
  const match = /^(\d+):(\d+)$/.exec(text.trim());
  return match ? { code: Number(match[1]), signal: Number(match[2]) } : undefined;
}

/** The sacct fields the executor asks for, in the order parseSacct reads them. */
export const SACCT_FIELDS = 'JobIDRaw,State,ExitCode,Submit';

/** What accounting remembers of one job. */
export interface SacctRow {
  readonly id: string;
  readonly state: string;
  readonly exit: ExitPair | undefined;
  /** ISO local time without zone, as sacct prints it; `Unknown` when it has none. */
  readonly submit: string;
}

/**
 * Reads `sacct -X -n -P -o SACCT_FIELDS` output into one row per job id. After the controller's job ids were
 * reset, accounting holds several jobs with one id: the most recently submitted is ours (the last line wins a tie).
 */
export function parseSacct(text: string): { rows: Map<string, SacctRow>; bad: string[] } {
  const rows = new Map<string, SacctRow>();
  const bad: string[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const [id = '', state = '', exit = '', submit = ''] = line.split('|').map((field) => field.trim());
    if (!/^\d+(_\d+)?$/.test(id) || state === '') {
      bad.push(line);
      continue;
    }
    const row: SacctRow = { id, state, exit: parseExitPair(exit), submit };
    const known = rows.get(id);
    if (known === undefined || submitOrder(row.submit) >= submitOrder(known.submit)) rows.set(id, row);
  }
  return { rows, bad };
}

/** A submit time as a sortable string; an unknown time sorts first. */
function submitOrder(submit: string): string {
  return /^\d{4}-\d\d-\d\dT/.test(submit) ? submit : '';
}

/** Whether sacct's output says this cluster keeps no accounting (then sacct can never help). */
export function isAccountingDisabled(output: string): boolean {
  return /accounting storage is disabled/i.test(output);
}

/** What `scontrol show job` says of one job. */
export interface ScontrolJob {
  readonly id: string;
  readonly state: string;
  readonly reason: string | undefined;
  readonly exit: ExitPair | undefined;
}

/** Reads the first job record of `scontrol show job ID`; undefined when the text holds none. */
export function parseScontrolJob(text: string): ScontrolJob | undefined {
  const field = (name: string): string | undefined => new RegExp(`(?:^|\\s)${name}=(\\S*)`).exec(text)?.[1];
  const id = field('JobId');
  const state = field('JobState');
  if (id === undefined || state === undefined || state === '') return undefined;
  return { id, state, reason: field('Reason'), exit: parseExitPair(field('ExitCode') ?? '') };
}

/**
 * Where SLURM writes a job's output, relative to its submission directory: the last `--output`/`-o` of the job's
 * directive lines with `%j`/`%A` filled in, or SLURM's default `slurm-<id>.out`. For messages only, so other
 * patterns (`%x`, `%N`) are left as written.
 */
export function buildOutputName(directives: readonly string[], id: string): string {
  let pattern = 'slurm-%j.out';
  for (const line of directives) {
    const match = /^#SBATCH\s+(?:--output(?:=|\s+)|-o\s*)(\S+)/.exec(line.trim());
    if (match?.[1]) pattern = match[1].replace(/^["']|["']$/g, '');
  }
  return pattern.replace(/%(%|j|A)/g, (_, key: string) => (key === '%' ? '%' : id));
}
