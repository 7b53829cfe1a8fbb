import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { parseJournal, replayEntries } from '../../../src/state/replay.js';
import { JOURNAL_FILE, RunStore } from '../../../src/state/store.js';
import type { JournalEntry, RunEntry, RunRecord } from '../../../src/state/types.js';
import { captureLogger } from '../../helpers/log.js';
import { tempDirs } from '../../helpers/tmp.js';

/** One journal line. */
const line = (entry: JournalEntry): string => `${JSON.stringify(entry)}\n`;

/** A run entry at a fixed time. */
const run = (id: string, state: RunEntry['state'], more: Partial<RunEntry> = {}): RunEntry => ({ t: '2026-01-01T00:00:00.000Z', run: id, state, attempt: 1, ...more });

describe('state/store', () => {
  const tmp = tempDirs();
  after(() => tmp.cleanup());

  /** A state directory holding `text` as its journal. */
  async function stateDirWith(text: string): Promise<{ dir: string; file: string }> {
    const dir = await tmp.make();
    await fs.writeFile(path.join(dir, JOURNAL_FILE), text);
    return { dir, file: path.join(dir, JOURNAL_FILE) };
  }

  it('opens by replaying the journal: runs, batches, processes and the executor', async () => {
    const { dir } = await stateDirWith(
      [
        line({ t: 't0', kind: 'start', executor: 'slurm', config: 'c.yaml', host: 'h', pid: 1 }),
        line({ t: 't1', kind: 'process', phase: 'pre_process' }),
        line({ t: 't2', kind: 'batch', batch: 'alpha', cycle: 1, phase: 'runs' }),
        line(run('alpha-0', 'pending', { batch: 'alpha', idx: 0, dir: '/r/alpha-0', cycle: 1 })),
        line(run('alpha-0', 'queued', { job: '41' })),
      ].join(''),
    );
    const { logger, lines } = captureLogger();
    const store = await RunStore.open(dir, logger);
    try {
      expect(store.state.executor).to.equal('slurm');
      expect([...store.state.processes]).to.deep.equal([['pre_process', {}]]);
      expect(store.state.batches.get('alpha')).to.deep.equal({ name: 'alpha', cycle: 1, phase: 'runs' });
      expect(store.records.get('alpha-0')).to.deep.include({ state: 'queued', job: '41', dir: '/r/alpha-0', attempt: 1 });
      expect(lines).to.deep.equal([]);
    } finally {
      await store.close();
    }
  });

  it('cuts off a torn last line with a warning, keeping every line before it', async () => {
    const whole = line(run('alpha-0', 'pending')) + line(run('alpha-0', 'preparing'));
    const { dir, file } = await stateDirWith(`${whole}{"t":"2026-01-01","run":"alpha-0","sta`);
    const { logger, lines } = captureLogger();
    const store = await RunStore.open(dir, logger);
    try {
      expect(lines.map((l) => [l.level, l.message])).to.deep.equal([['warn', `journal ${file}: ignoring a last line cut off by a crash (38 bytes)`]]);
      expect(await fs.readFile(file, 'utf8')).to.equal(whole);
      expect(store.records.get('alpha-0')?.state).to.equal('preparing');
      await store.record({ run: 'alpha-0', state: 'pre_run', attempt: 1 });
    } finally {
      await store.close();
    }
    const after = parseJournal(await fs.readFile(file, 'utf8'));
    expect(after.entries.map((e) => (e as RunEntry).state)).to.deep.equal(['pending', 'preparing', 'pre_run']);
    expect([after.tornLine, after.badLines]).to.deep.equal([undefined, []]);
  });

  it('ends a last whole line that lacks its newline, so the next entry starts a line of its own', async () => {
    const { dir, file } = await stateDirWith(line(run('alpha-0', 'pending')) + JSON.stringify(run('alpha-0', 'preparing')));
    const store = await RunStore.open(dir, captureLogger().logger);
    try {
      expect(store.records.get('alpha-0')?.state).to.equal('preparing');
      await store.record({ run: 'alpha-0', state: 'pre_run', attempt: 1 });
    } finally {
      await store.close();
    }
    const after = parseJournal(await fs.readFile(file, 'utf8'));
    expect(after.entries.map((e) => (e as RunEntry).state)).to.deep.equal(['pending', 'preparing', 'pre_run']);
    expect(after.badLines).to.deep.equal([]);
  });

  it('skips a line that is not a journal entry, naming its line number, and reads the rest', async () => {
    const { dir, file } = await stateDirWith(line(run('alpha-0', 'pending')) + 'not json\n' + line(run('alpha-0', 'preparing')));
    const { logger, lines } = captureLogger();
    const store = await RunStore.open(dir, logger);
    await store.close();
    expect(lines.map((l) => l.message)).to.deep.equal([`journal ${file}:2: not a journal entry, skipped`]);
    expect(store.records.get('alpha-0')?.state).to.equal('preparing');
  });

  it('compacts a long journal on open into fewer lines that replay to the same state', async () => {
    // Three runs retried many times: 12,003 lines, of which compaction keeps one per finished attempt and run.
    const entries: JournalEntry[] = [{ t: 't', kind: 'batch', batch: 'alpha', cycle: 1, phase: 'runs' }];
    for (let attempt = 1; attempt <= 1000; attempt++) {
      for (const id of ['alpha-0', 'alpha-1', 'alpha-2']) {
        const base = { attempt, ...(attempt === 1 ? { batch: 'alpha', idx: Number(id.slice(-1)), dir: `/r/${id}`, cycle: 1 } : {}) };
        entries.push(run(id, 'pending', base), run(id, 'preparing', { attempt }), run(id, 'queued', { attempt, job: `${attempt}` }));
        entries.push(run(id, 'failed', { attempt, reason: `exit ${attempt}`, code: 'ERR_JOB_FAILED', jobState: 'FAILED', exit: 1 }));
      }
    }
    entries.push(run('alpha-0', 'pending', { attempt: 1001 }), run('alpha-1', 'pending', { attempt: 1001 }));
    const { dir, file } = await stateDirWith(entries.map(line).join(''));
    const { logger, lines } = captureLogger();
    const store = await RunStore.open(dir, logger);
    await store.close();
    const written = parseJournal(await fs.readFile(file, 'utf8')).entries;
    expect(written.length).to.be.below(entries.length / 2);
    expect(lines.map((l) => l.message)).to.deep.equal([`journal ${file}: compacted from ${entries.length} to ${written.length} lines`]);
    const replayed = replayEntries(written);
    expect([...replayed.runs.values()]).to.deep.equal([...store.records.values()]);
    expect([...replayed.runs.values()]).to.deep.equal([...replayEntries(entries).runs.values()]);
    expect(replayed.batches).to.deep.equal(store.state.batches);
  });

  it('leaves a short journal as it is', async () => {
    const text = line(run('alpha-0', 'pending')) + line(run('alpha-0', 'failed', { reason: 'exit 1' })) + line(run('alpha-0', 'pending', { attempt: 2 }));
    const { dir, file } = await stateDirWith(text);
    const store = await RunStore.open(dir, captureLogger().logger);
    await store.close();
    expect(await fs.readFile(file, 'utf8')).to.equal(text);
  });

  it('records a change on disk before memory, then tells run:state listeners the record and the entry', async () => {
    const dir = await tmp.make();
    const file = path.join(dir, JOURNAL_FILE);
    const store = await RunStore.open(dir, captureLogger().logger);
    const heard: Array<{ record: RunRecord; entry: RunEntry; onDisk: JournalEntry[] }> = [];
    store.on('run:state', (record, entry) => heard.push({ record, entry, onDisk: parseJournal(readFileSync(file, 'utf8')).entries }));
    try {
      const record = await store.record({ run: 'alpha-0', state: 'pending', attempt: 1, batch: 'alpha', idx: 0, dir: '/r/alpha-0' });
      expect(record).to.equal(store.records.get('alpha-0'));
      expect(heard).to.have.length(1);
      expect(heard[0]?.record).to.equal(record);
      expect(heard[0]?.entry).to.deep.include({ run: 'alpha-0', state: 'pending', attempt: 1 });
      expect(heard[0]?.entry.t).to.match(/^\d{4}-\d\d-\d\dT/);
      expect(heard[0]?.onDisk, 'the entry is on disk when listeners hear of it').to.deep.equal([heard[0]?.entry]);
    } finally {
      await store.close();
    }
    // A change the journal cannot take never reaches memory, and nobody hears of it.
    const refused = await store.record({ run: 'alpha-0', state: 'preparing', attempt: 1 }).then(
      () => undefined,
      (error: Error) => error.message,
    );
    expect(refused).to.equal(`journal ${file} is closed`);
    expect(store.records.get('alpha-0')?.state).to.equal('pending');
    expect(heard).to.have.length(1);
  });

  it('notes batch, process and start changes in the journal and in its state', async () => {
    const dir = await tmp.make();
    const store = await RunStore.open(dir, captureLogger().logger);
    try {
      await store.note({ kind: 'start', executor: 'local', config: 'c.yaml', host: 'h', pid: 2 });
      await store.note({ kind: 'batch', batch: 'alpha', cycle: 2, phase: 'ended', failure: 'post_batch failed: exit 1' });
      await store.note({ kind: 'process', phase: 'post_process', failure: 'post_process failed: exit 2' });
    } finally {
      await store.close();
    }
    expect(store.state.executor).to.equal('local');
    expect(store.state.batches.get('alpha')).to.deep.equal({ name: 'alpha', cycle: 2, phase: 'ended', failure: 'post_batch failed: exit 1' });
    const reopened = await RunStore.open(dir, captureLogger().logger);
    await reopened.close();
    expect(reopened.state).to.deep.equal(store.state);
  });

  it('keeps an in-memory store\'s changes in memory only', async () => {
    const store = RunStore.inMemory();
    const heard: string[] = [];
    store.on('run:state', (record) => heard.push(record.state));
    await store.record({ run: 'alpha-0', state: 'pending', attempt: 1 });
    await store.record({ run: 'alpha-0', state: 'preparing', attempt: 1 });
    await store.note({ kind: 'batch', batch: 'alpha', cycle: 1, phase: 'runs' });
    await store.close();
    expect(heard).to.deep.equal(['pending', 'preparing']);
    expect(store.records.get('alpha-0')).to.deep.include({ batch: 'alpha', idx: 0, state: 'preparing' });
    expect(store.state.batches.get('alpha')?.phase).to.equal('runs');
  });
});
