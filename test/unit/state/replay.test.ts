import { expect } from 'chai';
import fs from 'node:fs/promises';
import path from 'node:path';
import { applyEntry, applyJournalEntry, emptyState, isRunEntry, parseJournal, readJournal, replayEntries } from '../../../src/state/replay.js';
import type { JournalEntry, RunEntry, RunRecord } from '../../../src/state/types.js';
import { tempDirs } from '../../helpers/tmp.js';

/** A run entry of run alpha-3 at time `t`. */
const entry = (t: string, state: RunEntry['state'], more: Partial<RunEntry> = {}): RunEntry => ({ t, run: 'alpha-3', state, attempt: 1, ...more });

/** The record that `entries` build for their run. */
function replay(...entries: RunEntry[]): RunRecord {
  const records = new Map<string, RunRecord>();
  let record: RunRecord | undefined;
  for (const e of entries) record = applyEntry(records, e);
  return record as RunRecord;
}

describe('state/replay', () => {
  describe('applyEntry', () => {
    it('makes a run\'s record at its first entry, from the entry\'s identity or else from the run id', () => {
      expect(replay(entry('t1', 'pending', { batch: 'alpha', idx: 3, dir: '/r/alpha-3', cycle: 2 }))).to.deep.equal({
        id: 'alpha-3',
        batch: 'alpha',
        idx: 3,
        dir: '/r/alpha-3',
        cycle: 2,
        state: 'pending',
        attempt: 1,
        updated: 't1',
        attempts: [],
      });
      const records = new Map<string, RunRecord>();
      expect(applyEntry(records, { t: 't1', run: 'my-batch-12', state: 'queued', attempt: 2 })).to.deep.include({ batch: 'my-batch', idx: 12, dir: '', cycle: 1, attempt: 2 });
      expect(applyEntry(records, { t: 't1', run: 'odd', state: 'pending', attempt: 1 })).to.deep.include({ batch: 'odd', idx: 0 });
    });

    it('opens an attempt at its first step after pending and closes it at a final state, with its job and reason', () => {
      const record = replay(
        entry('t1', 'pending', { batch: 'alpha', idx: 3 }),
        entry('t2', 'preparing', { fresh: true }),
        entry('t3', 'pre_run', { inputs: 'abc123' }),
        entry('t4', 'submitting', { tag: 'ens:alpha-3:c1:a1' }),
        entry('t5', 'queued', { job: '77' }),
        entry('t6', 'running'),
        entry('t7', 'failed', { reason: 'exit 3 (slurm-77.out)', code: 'ERR_JOB_FAILED', jobState: 'FAILED', exit: 3 }),
      );
      expect(record).to.deep.include({ state: 'failed', job: '77', tag: 'ens:alpha-3:c1:a1', reason: 'exit 3 (slurm-77.out)', inputs: 'abc123', fresh: true, updated: 't7' });
      expect(record.attempts).to.deep.equal([
        { attempt: 1, cycle: 1, started: 't2', submitted: 't4', job: '77', jobState: 'FAILED', exitCode: 3, state: 'failed', ended: 't7', reason: 'exit 3 (slurm-77.out)', code: 'ERR_JOB_FAILED' },
      ]);
    });

    it('starts a new attempt afresh: no job, tag or reason of the one before, which keeps its own', () => {
      const record = replay(
        entry('t1', 'queued', { job: '77', tag: 'a1' }),
        entry('t2', 'failed', { reason: 'TIMEOUT', jobState: 'TIMEOUT', code: 'ERR_JOB_FAILED' }),
        entry('t3', 'pending', { attempt: 2, reason: 'retry after TIMEOUT' }),
      );
      expect(record).to.deep.include({ state: 'pending', attempt: 2, reason: 'retry after TIMEOUT' });
      expect(record).to.not.have.any.keys('job', 'tag');
      expect(record.attempts).to.have.length(1);
      const next = replay(
        entry('t1', 'queued', { job: '77', tag: 'a1' }),
        entry('t2', 'failed', { reason: 'TIMEOUT' }),
        entry('t3', 'pending', { attempt: 2, reason: 'retry after TIMEOUT' }),
        entry('t4', 'preparing', { attempt: 2 }),
        entry('t5', 'queued', { attempt: 2, job: '78' }),
        entry('t6', 'succeeded', { attempt: 2 }),
      );
      expect(next).to.deep.include({ state: 'succeeded', job: '78' });
      expect(next).to.not.have.property('reason');
      expect(next.attempts.map((a) => [a.attempt, a.job, a.state, a.reason])).to.deep.equal([
        [1, '77', 'failed', 'TIMEOUT'],
        [2, '78', 'succeeded', undefined],
      ]);
    });

    it('keeps the attempts of each cycle of a repeating batch apart, though their numbers are the same', () => {
      const record = replay(
        entry('t1', 'preparing', { cycle: 1 }),
        entry('t2', 'queued', { job: '10' }),
        entry('t3', 'succeeded'),
        entry('t4', 'pending', { cycle: 2 }),
        entry('t5', 'preparing'),
        entry('t6', 'queued', { job: '11' }),
      );
      expect(record).to.deep.include({ cycle: 2, state: 'queued', job: '11' });
      expect(record.attempts.map((a) => [a.cycle, a.attempt, a.job, a.state])).to.deep.equal([
        [1, 1, '10', 'succeeded'],
        [2, 1, '11', undefined],
      ]);
    });

    it('drops an old reason at pending and at an end that gives none, and keeps one a step gives', () => {
      const reasons = (...entries: RunEntry[]): unknown => replay(...entries).reason;
      expect(reasons(entry('t1', 'pending', { reason: 'resumed from pre_run' }))).to.equal('resumed from pre_run');
      expect(reasons(entry('t1', 'failed', { reason: 'exit 1' }), entry('t2', 'pending'))).to.equal(undefined);
      expect(reasons(entry('t1', 'pending', { reason: 'stopped before submission' }), entry('t2', 'preparing'))).to.equal('stopped before submission');
      expect(reasons(entry('t1', 'preparing', { reason: 'x' }), entry('t2', 'succeeded'))).to.equal(undefined);
    });

    it('keeps each attempt\'s error code with its end, and none for an attempt that ended without one', () => {
      const record = replay(
        entry('t1', 'preparing'),
        entry('t2', 'failed', { reason: 'pre_run failed: exit 1', code: 'ERR_TASK_FAILED' }),
        entry('t3', 'pending', { attempt: 2, reason: 'rerun requested' }),
        entry('t4', 'preparing', { attempt: 2 }),
        entry('t5', 'cancelled', { attempt: 2, reason: 'cancelled by request' }),
      );
      expect(record.attempts).to.deep.equal([
        { attempt: 1, cycle: 1, started: 't1', state: 'failed', ended: 't2', reason: 'pre_run failed: exit 1', code: 'ERR_TASK_FAILED' },
        { attempt: 2, cycle: 1, started: 't4', state: 'cancelled', ended: 't5', reason: 'cancelled by request' },
      ]);
    });

    it('reopens an attempt that ended skipped (-s) when it goes on for real', () => {
      const record = replay(
        entry('t1', 'preparing'),
        entry('t2', 'skipped', { reason: 'not submitted (-s)', code: 'ERR_SOME', jobState: 'X', exit: 1 }),
        entry('t3', 'pending', { reason: 'resumed from skipped' }),
      );
      // Its end, reason, code and job's end are gone with it.
      expect(record.attempts).to.deep.equal([{ attempt: 1, cycle: 1, started: 't1' }]);
      expect(record.reason).to.equal('resumed from skipped');
    });

    it('starts an attempt when compaction says so (since), not at the line\'s own time', () => {
      const record = replay(entry('t9', 'succeeded', { since: 't2', job: '5' }));
      expect(record.attempts).to.deep.equal([{ attempt: 1, cycle: 1, started: 't2', job: '5', state: 'succeeded', ended: 't9' }]);
    });
  });

  describe('applyJournalEntry and replayEntries', () => {
    it('applies batch, process and start lines as well as run lines', () => {
      const state = replayEntries([
        { t: 't0', kind: 'start', executor: 'local', config: 'c.yaml', host: 'h', pid: 1 },
        { t: 't1', kind: 'process', phase: 'pre_process', failure: 'pre_process failed: exit 1' },
        { t: 't2', kind: 'process', phase: 'pre_process' },
        { t: 't3', kind: 'batch', batch: 'alpha', cycle: 1, phase: 'ended', failure: 'post_batch failed: exit 2' },
        { t: 't4', kind: 'batch', batch: 'alpha', cycle: 2, phase: 'pre_batch' },
        { t: 't5', kind: 'start', executor: 'slurm', config: 'c.yaml', host: 'h', pid: 2 },
        entry('t6', 'pending'),
      ]);
      expect(state.executor).to.equal('slurm');
      expect([...state.processes]).to.deep.equal([['pre_process', {}]]);
      expect([...state.batches.values()]).to.deep.equal([{ name: 'alpha', cycle: 2, phase: 'pre_batch' }]);
      expect([...state.runs.keys()]).to.deep.equal(['alpha-3']);
    });

    it('replays lines into the same state as applying them one by one', () => {
      const entries: JournalEntry[] = [entry('t1', 'pending'), { t: 't2', kind: 'batch', batch: 'alpha', cycle: 1, phase: 'runs' }, entry('t3', 'preparing')];
      const state = emptyState();
      for (const e of entries) applyJournalEntry(state, e);
      expect(replayEntries(entries)).to.deep.equal(state);
      expect(entries.map(isRunEntry)).to.deep.equal([true, false, true]);
    });
  });

  describe('parseJournal', () => {
    const text = (...entries: JournalEntry[]): string => entries.map((e) => `${JSON.stringify(e)}\n`).join('');

    it('reads one entry a line, skipping blank lines', () => {
      const read = parseJournal(`${text(entry('t1', 'pending'))}\n\n${text(entry('t2', 'preparing'))}`);
      expect(read).to.deep.equal({ entries: [entry('t1', 'pending'), entry('t2', 'preparing')], tornLine: undefined, badLines: [] });
      expect(parseJournal('')).to.deep.equal({ entries: [], tornLine: undefined, badLines: [] });
    });

    it('calls an unreadable last line without its newline torn, and keeps everything before it', () => {
      const read = parseJournal(`${text(entry('t1', 'pending'))}{"t":"t2","run":"alpha-3","st`);
      expect(read).to.deep.equal({ entries: [entry('t1', 'pending')], tornLine: '{"t":"t2","run":"alpha-3","st', badLines: [] });
    });

    it('takes a whole last entry that only lacks its newline', () => {
      const read = parseJournal(text(entry('t1', 'pending')) + JSON.stringify(entry('t2', 'preparing')));
      expect(read.entries).to.have.length(2);
      expect(read.tornLine).to.equal(undefined);
    });

    it('reports by number the lines that are not journal entries, torn or not, when a newline follows them', () => {
      const lines = [
        'garbage',
        '[1, 2]',
        'null',
        '{"run": "alpha-3", "state": "pending"}',
        '{"kind": "batch", "batch": "alpha"}',
        '{"kind": "start"}',
        '{"kind": "process", "phase": "mid_process"}',
        '{"t":"t1","run":"alpha-3","st',
      ];
      const read = parseJournal(`${lines.join('\n')}\n${text(entry('t1', 'pending'))}`);
      expect(read.badLines).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(read.tornLine).to.equal(undefined);
      expect(read.entries).to.deep.equal([entry('t1', 'pending')]);
    });

    it('reads the entries of every kind', () => {
      const entries: JournalEntry[] = [
        { t: 't0', kind: 'start', executor: 'slurm', config: 'c.yaml', host: 'h', pid: 1 },
        { t: 't1', kind: 'process', phase: 'post_process' },
        { t: 't2', kind: 'batch', batch: 'alpha', cycle: 1, phase: 'ended' },
        entry('t3', 'succeeded', { job: '1', exit: 0 }),
      ];
      expect(parseJournal(text(...entries)).entries).to.deep.equal(entries);
    });
  });

  describe('readJournal', () => {
    const tmp = tempDirs();
    after(() => tmp.cleanup());

    it('reads a missing journal as an empty one, and fails on one it cannot read', async () => {
      const dir = await tmp.make();
      expect(await readJournal(path.join(dir, 'journal.jsonl'))).to.deep.equal({ entries: [], tornLine: undefined, badLines: [] });
      await fs.mkdir(path.join(dir, 'folder.jsonl'));
      const error = await readJournal(path.join(dir, 'folder.jsonl')).then(
        () => undefined,
        (caught: NodeJS.ErrnoException) => caught.code,
      );
      expect(error).to.equal('EISDIR');
    });
  });
});
