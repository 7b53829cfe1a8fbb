// Rebuilds run records from journal entries. The live store applies each new entry with the same function, so
// what a restart replays is exactly what the running process knew.
import fs from 'node:fs/promises';
import type { EnsembleState, JournalEntry, RunEntry, RunRecord } from './types.js';
import { FINAL_RUN_STATES } from './types.js';

/** Applies one entry to the records (creating the run's record at its first entry). */
export function applyEntry(records: Map<string, RunRecord>, entry: RunEntry): RunRecord {
  let record = records.get(entry.run);
  if (!record) {
    record = {
      id: entry.run,
      batch: entry.batch ?? entry.run.replace(/-\d+$/, ''),
      idx: entry.idx ?? Number(/-(\d+)$/.exec(entry.run)?.[1] ?? 0),
      dir: entry.dir ?? '',
      cycle: entry.cycle ?? 1,
      state: entry.state,
      attempt: entry.attempt,
      updated: entry.t,
      attempts: [],
    };
    records.set(entry.run, record);
  }
  const cycle = entry.cycle ?? record.cycle;
  const final = FINAL_RUN_STATES.has(entry.state);
  if (entry.attempt !== record.attempt || cycle !== record.cycle || entry.state === 'pending' || final) {
    // A new attempt (retry, rerun, next cycle) starts afresh; an end says its own reason or none.
    delete record.reason;
  }
  if (entry.attempt !== record.attempt || cycle !== record.cycle) {
    // The job, its tag and its executor are the current attempt's.
    delete record.job;
    delete record.tag;
    delete record.executor;
  }
  record.cycle = cycle;
  record.state = entry.state;
  record.attempt = entry.attempt;
  record.updated = entry.t;
  if (entry.job !== undefined) record.job = entry.job;
  if (entry.tag !== undefined) record.tag = entry.tag;
  if (entry.executor !== undefined) record.executor = entry.executor;
  if (entry.reason !== undefined) record.reason = entry.reason;
  if (entry.inputs !== undefined) record.inputs = entry.inputs;
  if (entry.values !== undefined) record.values = entry.values;
  if (entry.fresh !== undefined) record.fresh = entry.fresh;
  // How many tasks of the list the run is in have ended: every line in pre_run or post_run says it (a move into the
  // list carries what an earlier try of it finished).
  if (entry.done !== undefined) record.tasksDone = entry.done;
  else delete record.tasksDone;

  let attempt = record.attempts.find((a) => a.attempt === entry.attempt && a.cycle === cycle);
  if (!attempt && entry.state !== 'pending') {
    attempt = { attempt: entry.attempt, cycle, started: entry.since ?? entry.t };
    record.attempts.push(attempt);
  }
  if (attempt) {
    if (entry.job !== undefined) attempt.job = entry.job;
    if (entry.submitted !== undefined) attempt.submitted = entry.submitted;
    else if (entry.state === 'submitting') attempt.submitted = entry.t;
    if (entry.jobState !== undefined) attempt.jobState = entry.jobState;
    if (entry.exit !== undefined) attempt.exitCode = entry.exit;
    if (entry.jobStart !== undefined) attempt.jobStart = entry.jobStart;
    if (entry.jobEnd !== undefined) attempt.jobEnd = entry.jobEnd;
    if (entry.result !== undefined) attempt.result = entry.result;
    if (final) {
      attempt.state = entry.state;
      attempt.ended = entry.t;
      if (entry.reason !== undefined) attempt.reason = entry.reason;
      else delete attempt.reason;
      if (entry.code !== undefined) attempt.code = entry.code;
      else delete attempt.code;
    } else if (attempt.state !== undefined) {
      // The attempt goes on (a run skipped by -s, now run for real): it has not ended after all.
      delete attempt.state;
      delete attempt.ended;
      delete attempt.reason;
      delete attempt.code;
      delete attempt.jobState;
      delete attempt.exitCode;
      delete attempt.jobStart;
      delete attempt.jobEnd;
      delete attempt.result;
    }
  }
  return record;
}

/** Whether a journal line is about a run. */
export function isRunEntry(entry: JournalEntry): entry is RunEntry {
  return !('kind' in entry);
}

/** An empty state. */
export function emptyState(): EnsembleState {
  return { runs: new Map(), batches: new Map(), processes: new Map(), rules: new Map() };
}

/** Applies any journal line to the state. */
export function applyJournalEntry(state: EnsembleState, entry: JournalEntry): void {
  if (isRunEntry(entry)) {
    applyEntry(state.runs, entry);
  } else if (entry.kind === 'batch') {
    const batch = state.batches.get(entry.batch) ?? { name: entry.batch, cycle: entry.cycle, phase: entry.phase };
    batch.cycle = entry.cycle;
    batch.phase = entry.phase;
    if (entry.failure !== undefined) batch.failure = entry.failure;
    else delete batch.failure;
    if (entry.done !== undefined) batch.done = entry.done;
    else delete batch.done;
    if (entry.skipped !== undefined) batch.skipped = entry.skipped;
    else delete batch.skipped;
    state.batches.set(entry.batch, batch);
  } else if (entry.kind === 'process') {
    state.processes.set(entry.phase, entry.failure !== undefined ? { failure: entry.failure } : {});
  } else if (entry.kind === 'rule') {
    state.rules.set(entry.rule, { fired: entry.fired, finished: entry.finished });
  } else {
    state.executor = entry.executor;
    // A compacted journal of an earlier version kept no configuration: its owner is unknown, not ''.
    if (entry.config !== '') state.owner = { config: entry.config, cwd: entry.cwd };
  }
}

/** What reading a journal found. */
export interface JournalContents {
  readonly entries: JournalEntry[];
  /** A last line cut off by a crash mid-write, ignored. */
  readonly tornLine: string | undefined;
  /** Lines that are not journal entries (not the last): reported, skipped. */
  readonly badLines: number[];
}

/** Reads a journal file; a missing file is an empty journal. */
export async function readJournal(file: string): Promise<JournalContents> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], tornLine: undefined, badLines: [] };
    throw error;
  }
  return parseJournal(text);
}

/** Parses journal text: one JSON entry per line; a last line without its newline is torn. */
export function parseJournal(text: string): JournalContents {
  const entries: JournalEntry[] = [];
  const badLines: number[] = [];
  let tornLine: string | undefined;
  const lines = text.split('\n');
  const complete = text.endsWith('\n') || text === '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line === '') continue;
    const last = i === lines.length - 1;
    try {
      const entry = JSON.parse(line) as JournalEntry;
      if (!isJournalEntry(entry)) throw new Error('not an entry');
      entries.push(entry);
    } catch {
      if (last && !complete) tornLine = line;
      else badLines.push(i + 1);
    }
  }
  return { entries, tornLine, badLines };
}

function isJournalEntry(value: unknown): value is JournalEntry {
  if (value === null || typeof value !== 'object') return false;
  const entry = value as Record<string, unknown>;
  if (entry.kind === 'batch') return typeof entry.batch === 'string' && typeof entry.phase === 'string';
  if (entry.kind === 'start') return typeof entry.executor === 'string';
  if (entry.kind === 'process') return entry.phase === 'pre_process' || entry.phase === 'post_process';
  if (entry.kind === 'rule') return typeof entry.rule === 'number' && typeof entry.fired === 'number';
  return typeof entry.run === 'string' && typeof entry.state === 'string' && typeof entry.attempt === 'number';
}

/** Replays journal lines into the state they describe. */
export function replayEntries(entries: readonly JournalEntry[]): EnsembleState {
  const state = emptyState();
  for (const entry of entries) applyJournalEntry(state, entry);
  return state;
}
