// Reads an ensemble's journal the way a test needs it: run states and their entries.
import fs from 'node:fs/promises';
import path from 'node:path';
import { parseJournal, replayEntries } from '../../src/state/replay.js';
import type { EnsembleState, JournalEntry, RunEntry } from '../../src/state/types.js';

/** The journal lines of the ensemble configured by `config` run in `dir`. */
export async function readEntries(dir: string, config = 'c'): Promise<JournalEntry[]> {
  const text = await fs.readFile(path.join(dir, '.model_ensemble', config, 'journal.jsonl'), 'utf8').catch(() => '');
  return parseJournal(text).entries;
}

/** The replayed state. */
export async function readState(dir: string, config = 'c'): Promise<EnsembleState> {
  return replayEntries(await readEntries(dir, config));
}

/** The run entries only. */
export async function readRunEntries(dir: string, config = 'c'): Promise<RunEntry[]> {
  return (await readEntries(dir, config)).filter((e): e is RunEntry => !('kind' in e));
}
