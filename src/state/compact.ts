// Journal compaction: the shortest list of entries that replays to the same state, one line per finished attempt
// plus one for each run's current step. A journal grows by about eight lines per run per attempt; compaction on
// start keeps replay fast for long-lived ensembles with many retries, reruns and cycles.
import type { AttemptRecord, EnsembleState, JournalEntry, RunEntry, RunRecord } from './types.js';

/** What an attempt knows of its job, as entry fields. */
function jobFields(attempt: AttemptRecord | undefined): Partial<RunEntry> {
  if (attempt === undefined) return {};
  return {
    ...(attempt.submitted !== undefined ? { submitted: attempt.submitted } : {}),
    ...(attempt.jobStart !== undefined ? { jobStart: attempt.jobStart } : {}),
    ...(attempt.jobEnd !== undefined ? { jobEnd: attempt.jobEnd } : {}),
    ...(attempt.result !== undefined ? { result: attempt.result } : {}),
  };
}

/** The entries of one run. */
function compactRun(record: RunRecord): RunEntry[] {
  const entries: RunEntry[] = [];
  const first = { batch: record.batch, idx: record.idx, dir: record.dir };
  for (const attempt of record.attempts) {
    if (attempt.state === undefined) continue;
    entries.push({
      t: attempt.ended ?? attempt.started ?? record.updated,
      run: record.id,
      state: attempt.state,
      attempt: attempt.attempt,
      cycle: attempt.cycle,
      ...(entries.length === 0 ? first : {}),
      ...(attempt.started !== undefined ? { since: attempt.started } : {}),
      ...(attempt.job !== undefined ? { job: attempt.job } : {}),
      ...(attempt.jobState !== undefined ? { jobState: attempt.jobState } : {}),
      ...(attempt.exitCode !== undefined ? { exit: attempt.exitCode } : {}),
      ...(attempt.reason !== undefined ? { reason: attempt.reason } : {}),
      ...(attempt.code !== undefined ? { code: attempt.code } : {}),
      ...jobFields(attempt),
      ...(attempt.attempt === record.attempt && attempt.cycle === record.cycle && record.tag !== undefined ? { tag: record.tag } : {}),
    });
  }
  const current = record.attempts.find((a) => a.attempt === record.attempt && a.cycle === record.cycle);
  const last = entries[entries.length - 1];
  const settled = last !== undefined && current?.state !== undefined && last.attempt === record.attempt && last.cycle === record.cycle && last.state === record.state;
  if (!settled) {
    if (record.state === 'pending' && current !== undefined && current.state === undefined) {
      // An attempt cut off and waiting to start again: a line of its own keeps its start.
      entries.push({
        t: current.started ?? record.updated,
        run: record.id,
        state: 'preparing',
        attempt: record.attempt,
        cycle: record.cycle,
        ...(entries.length === 0 ? first : {}),
        ...(current.started !== undefined ? { since: current.started } : {}),
      });
    }
    // The run's current step: a new attempt not yet begun, or one in progress.
    entries.push({
      t: record.updated,
      run: record.id,
      state: record.state,
      attempt: record.attempt,
      cycle: record.cycle,
      ...(entries.length === 0 ? first : {}),
      ...(current?.started !== undefined && record.state !== 'pending' ? { since: current.started } : {}),
      ...(record.job !== undefined ? { job: record.job } : {}),
      ...(record.tag !== undefined ? { tag: record.tag } : {}),
      ...(record.executor !== undefined ? { executor: record.executor } : {}),
      ...(record.reason !== undefined ? { reason: record.reason } : {}),
      ...jobFields(current),
    });
  }
  const tail = entries[entries.length - 1];
  if (tail) {
    entries[entries.length - 1] = {
      ...tail,
      ...(record.inputs !== undefined ? { inputs: record.inputs } : {}),
      ...(record.values !== undefined ? { values: record.values } : {}),
      ...(record.fresh !== undefined ? { fresh: record.fresh } : {}),
      ...(record.tasksDone !== undefined ? { done: record.tasksDone } : {}),
    };
  }
  return entries;
}

/** Entries that replay to `state`. */
export function compactState(state: EnsembleState): JournalEntry[] {
  const entries: JournalEntry[] = [];
  const now = new Date().toISOString();
  if (state.executor !== undefined) {
    const owner = state.owner ? { config: state.owner.config, ...(state.owner.cwd !== undefined ? { cwd: state.owner.cwd } : {}) } : { config: '' };
    entries.push({ t: now, kind: 'start', executor: state.executor, ...owner, host: '', pid: 0 });
  }
  for (const [phase, { failure }] of state.processes) entries.push({ t: now, kind: 'process', phase, ...(failure !== undefined ? { failure } : {}) });
  for (const batch of state.batches.values()) {
    entries.push({
      t: now,
      kind: 'batch',
      batch: batch.name,
      cycle: batch.cycle,
      phase: batch.phase,
      ...(batch.failure !== undefined ? { failure: batch.failure } : {}),
      ...(batch.done !== undefined ? { done: batch.done } : {}),
      ...(batch.skipped !== undefined ? { skipped: batch.skipped } : {}),
    });
  }
  for (const [rule, { fired, finished }] of state.rules) entries.push({ t: now, kind: 'rule', rule, fired, finished });
  for (const record of state.runs.values()) entries.push(...compactRun(record));
  return entries;
}

/** Whether a journal of `lines` lines is worth compacting to `compacted` lines. */
export function shouldCompact(lines: number, compacted: number): boolean {
  return lines > 10_000 && lines > 2 * compacted;
}
