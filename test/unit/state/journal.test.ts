import { expect } from 'chai';
import fc from 'fast-check';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Journal } from '../../../src/state/journal.js';
import { parseJournal, readJournal, replayEntries } from '../../../src/state/replay.js';
import { JOURNAL_FILE, RunStore } from '../../../src/state/store.js';
import type { RunEntry } from '../../../src/state/types.js';
import { createSilentLogger } from '../../../src/log.js';
import { tempDirs } from '../../helpers/tmp.js';

const entry = (run: string, state: RunEntry['state'], extra: Partial<RunEntry> = {}): RunEntry => ({
  t: '2026-01-01T00:00:00.000Z',
  run,
  state,
  attempt: 1,
  ...extra,
});

describe('journal', () => {
  const tmp = tempDirs();
  after(() => tmp.cleanup());

  it('writes every appended entry as one line, in order, also when appends arrive together', async () => {
    const dir = await tmp.make();
    const journal = await Journal.open(path.join(dir, 'j.jsonl'));
    await Promise.all(Array.from({ length: 200 }, (_, i) => journal.append(entry(`b-${i}`, 'pending'))));
    await journal.close();
    const { entries, tornLine } = await readJournal(path.join(dir, 'j.jsonl'));
    expect(tornLine).to.equal(undefined);
    expect(entries.map((e) => (e as RunEntry).run)).to.deep.equal(Array.from({ length: 200 }, (_, i) => `b-${i}`));
  });

  it('ignores a torn last line and reports lines that are not entries', () => {
    const text = `${JSON.stringify(entry('a-0', 'pending'))}\nnot json\n${JSON.stringify(entry('a-0', 'preparing'))}\n{"run":"a-0","st`;
    const parsed = parseJournal(text);
    expect(parsed.entries.map((e) => (e as RunEntry).state)).to.deep.equal(['pending', 'preparing']);
    expect(parsed.tornLine).to.equal('{"run":"a-0","st');
    expect(parsed.badLines).to.deep.equal([2]);
  });

  it('replays the states, jobs and every attempt of a run', () => {
    const records = replayEntries([
      entry('a-0', 'pending', { batch: 'a', idx: 0, dir: '/x/a-0' }),
      entry('a-0', 'submitting', { tag: 't1' }),
      entry('a-0', 'queued', { job: '11' }),
      entry('a-0', 'failed', { jobState: 'TIMEOUT', reason: 'TIMEOUT' }),
      entry('a-0', 'pending', { attempt: 2 }),
      entry('a-0', 'queued', { attempt: 2, job: '12' }),
      entry('a-0', 'succeeded', { attempt: 2 }),
    ]);
    const run = records.runs.get('a-0');
    expect(run?.state).to.equal('succeeded');
    expect(run?.attempt).to.equal(2);
    expect(run?.job).to.equal('12');
    expect(run?.attempts.map((a) => [a.attempt, a.job, a.state, a.reason])).to.deep.equal([
      [1, '11', 'failed', 'TIMEOUT'],
      [2, '12', 'succeeded', undefined],
    ]);
  });

  it('a store reopened after a crash mid-line cuts the torn line and appends after the last whole one', async () => {
    const dir = await tmp.make();
    const file = path.join(dir, JOURNAL_FILE);
    await fs.writeFile(file, `${JSON.stringify(entry('a-0', 'pending'))}\n{"run":"a-0","sta`);
    const store = await RunStore.open(dir, createSilentLogger());
    await store.record({ run: 'a-0', state: 'preparing', attempt: 1 });
    await store.close();
    const lines = (await fs.readFile(file, 'utf8')).trim().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as RunEntry).state)).to.deep.equal(['pending', 'preparing']);
  });

  it('any prefix of a journal cut at any byte replays to a prefix of its entries (property)', () => {
    const states: RunEntry['state'][] = ['pending', 'preparing', 'pre_run', 'submitting', 'queued', 'running', 'post_run', 'succeeded'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...states), { minLength: 1, maxLength: 30 }), fc.nat(), (seq, cutAt) => {
        const text = seq.map((s, i) => `${JSON.stringify(entry(`r-${i % 3}`, s, { reason: 'é"\\\n' }))}\n`).join('');
        const cut = text.slice(0, cutAt % (text.length + 1));
        const parsed = parseJournal(cut);
        expect(parsed.badLines).to.deep.equal([]);
        expect(parsed.entries.map((e) => (e as RunEntry).state)).to.deep.equal(seq.slice(0, parsed.entries.length));
        // Every whole line is kept; a cut last line is kept only if it happens to be a whole entry.
        const wholeLines = cut.split('\n').length - 1;
        expect(parsed.entries.length).to.be.oneOf([wholeLines, wholeLines + 1]);
      }),
    );
  });
});
