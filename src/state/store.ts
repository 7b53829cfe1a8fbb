// The state of one ensemble, kept in memory and in the journal. Every change goes to the journal first and is
// applied to memory with the same function a restart replays with.
import { EventEmitter } from 'node:events';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../log.js';
import { compactState, shouldCompact } from './compact.js';
import { Journal } from './journal.js';
import { applyJournalEntry, emptyState, readJournal } from './replay.js';
import type { BatchEntry, EnsembleState, JournalEntry, MetaEntry, ProcessEntry, RuleEntry, RunEntry, RunRecord } from './types.js';

/** A signal that never aborts, for a store without a journal. */
const NEVER = new AbortController().signal;

/** The journal's file name inside the state directory. */
export const JOURNAL_FILE = 'journal.jsonl';

type Change<T> = T extends unknown ? Omit<T, 't'> : never;

/** Events: `run:state` (record, entry) after every run change. */
export class RunStore extends EventEmitter<{ 'run:state': [RunRecord, RunEntry] }> {
  readonly state: EnsembleState;
  private readonly journal: Journal | undefined;

  private constructor(state: EnsembleState, journal: Journal | undefined) {
    super();
    this.state = state;
    this.journal = journal;
  }

  /** Aborted, with the StateError, once a journal write has failed: nothing may be acted upon after it. */
  get failed(): AbortSignal {
    return this.journal?.failed ?? NEVER;
  }

  /** The run records, by run id. */
  get records(): Map<string, RunRecord> {
    return this.state.runs;
  }

  /** A store without a journal (nothing survives the process). */
  static inMemory(): RunStore {
    return new RunStore(emptyState(), undefined);
  }

  /**
   * Opens the journal in `stateDir`, replaying what it holds. A torn last line (a crash mid-write) is cut off with
   * a warning; nothing before it is lost.
   */
  static async open(stateDir: string, logger: Logger): Promise<RunStore> {
    const file = path.join(stateDir, JOURNAL_FILE);
    const contents = await readJournal(file);
    if (contents.tornLine !== undefined) {
      logger.warn(`journal ${file}: ignoring a last line cut off by a crash (${contents.tornLine.length} bytes)`);
      const stat = await fs.stat(file);
      await fs.truncate(file, stat.size - Buffer.byteLength(contents.tornLine));
    } else if (contents.entries.length > 0 && !(await endsWithNewline(file))) {
      await fs.appendFile(file, '\n');
    }
    for (const line of contents.badLines) logger.warn(`journal ${file}:${line}: not a journal entry, skipped`);
    const state = emptyState();
    for (const entry of contents.entries) applyJournalEntry(state, entry);
    const journal = await Journal.open(file);
    const compacted = compactState(state);
    if (shouldCompact(contents.entries.length, compacted.length)) {
      logger.info(`journal ${file}: compacted from ${contents.entries.length} to ${compacted.length} lines`);
      await journal.rewrite(compacted);
    }
    return new RunStore(state, journal);
  }

  /** Records a run's change: on disk first, then in memory, then told to listeners. */
  async record(change: Omit<RunEntry, 't'>): Promise<RunRecord> {
    const entry: RunEntry = { t: new Date().toISOString(), ...change };
    await this.write(entry);
    const record = this.state.runs.get(entry.run) as RunRecord;
    this.emit('run:state', record, entry);
    return record;
  }

  /** Records a batch's, a process task list's or the ensemble's change. */
  async note(change: Change<BatchEntry | MetaEntry | ProcessEntry | RuleEntry>): Promise<void> {
    await this.write({ t: new Date().toISOString(), ...change } as JournalEntry);
  }

  /** Waits for pending writes and closes the journal. */
  async close(): Promise<void> {
    await this.journal?.close();
  }

  private async write(entry: JournalEntry): Promise<void> {
    if (this.journal) await this.journal.append(entry);
    applyJournalEntry(this.state, entry);
  }
}

async function endsWithNewline(file: string): Promise<boolean> {
  const handle = await fs.open(file, 'r');
  try {
    const { size } = await handle.stat();
    if (size === 0) return true;
    const buffer = Buffer.alloc(1);
    await handle.read(buffer, 0, 1, size - 1);
    return buffer[0] === 0x0a;
  } finally {
    await handle.close();
  }
}
