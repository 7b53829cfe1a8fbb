// How the SLURM executor turns what it learnt of a job (squeue's row, the exit-code file, sacct or scontrol) into a
// JobStatus. Pure, so every combination is tested without a cluster. The exit-code file decides success, with or
// without accounting; a state in which SLURM itself ended the job keeps SLURM's name.
import type { ExitPair, SqueueRow } from './slurm-text.js';
import { SCHEDULER_END_STATES, type JobState, type JobStatus } from './types.js';


/** The status of a job squeue shows in a state that is not final. */
export function buildLiveStatus(row: SqueueRow, state: JobState): JobStatus {
  // SLURM's finer name (COMPLETING, SUSPENDED) and its reason (Priority, JobHeldUser) help whoever waits.
  const parts = [row.state !== state ? row.state : '', row.reason !== 'None' ? row.reason : ''].filter((part) => part !== '');
  return parts.length > 0 ? { state, reason: parts.join(', ') } : { state };
}

/** What is known of a job that has ended; at least `fileCode` or `schedulerState` is set. */
export interface JobEnd {
  /** The job file's exit code, from the exit-code file the wrapper wrote. */
  readonly fileCode?: number;
  /** The final state squeue, sacct or scontrol gave. */
  readonly schedulerState?: JobState;
  /** The batch script's exit code and signal, from sacct or scontrol. */
  readonly exit?: ExitPair;
  /** Where the job's output is, for the reason (`slurm-123.out`). */
  readonly output: string;
}

/** The final status of an ended job. */
export function buildEndStatus(end: JobEnd): JobStatus {
  const where = `(${end.output})`;
  const state = end.schedulerState;
  if (state !== undefined && SCHEDULER_END_STATES.has(state)) {
    // The signal SLURM reports (15 for a time limit or scancel) adds nothing to the state's name. Nor does an
    // exit-code file: SLURM stops the job by signalling the wrapper and the job file together, so whether the
    // wrapper lives to write a code, and which (143, or 0 from a job file whose `wait` saw its child killed first),
    // is a race. Left out, so that one end always reads the same. An OUT_OF_MEMORY job was not stopped by SLURM:
    // the kernel killed one of its processes, and the code its job file went on to exit with is its own.
    const own = state === 'OUT_OF_MEMORY' && end.fileCode !== undefined ? { exitCode: end.fileCode } : {};
    return { state, ...own, reason: `${state} ${where}` };
  }
  const code = end.fileCode ?? (end.exit?.signal === 0 ? end.exit.code : undefined);
  if (code === 0 && (end.fileCode !== undefined || state === 'COMPLETED')) return { state: 'COMPLETED', exitCode: 0 };
  if (code !== undefined && code !== 0) return { state: 'FAILED', exitCode: code, reason: `exit ${code} ${where}` };
  if (state === 'COMPLETED') {
    // The wrapper exits with the job file's code, so SLURM's COMPLETED means 0 even when the file went missing.
    return { state: 'COMPLETED', exitCode: 0 };
  }
  const signal = end.exit !== undefined && end.exit.signal !== 0 ? `, signal ${end.exit.signal}` : '';
  return { state: 'FAILED', reason: `${state ?? 'FAILED'}${signal}, exit code unknown ${where}` };
}

/** The status of a job that nobody knows any more and that left no exit-code file. */
export function buildLostStatus(id: string, asked: readonly string[], exitFile: string, output: string): JobStatus {
  const who = asked.length > 1 ? `${asked.slice(0, -1).join(', ')} or ${asked[asked.length - 1]}` : (asked[0] ?? 'the scheduler');
  return { state: 'LOST', reason: `job ${id} is not known to ${who}, and left no exit-code file (${exitFile}); any output is in ${output}` };
}
