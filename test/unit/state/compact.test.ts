import { expect } from 'chai';
import fc from 'fast-check';
import { compactState, shouldCompact } from '../../../src/state/compact.js';
import { replayEntries } from '../../../src/state/replay.js';
import { RUN_TRANSITIONS } from '../../../src/engine/run-machine.js';
import type { JournalEntry, RunEntry, RunState } from '../../../src/state/types.js';

/** A random but legal history of one run: each step a legal move, with the facts the engine records. */
const history = (run: string) =>
  fc.array(fc.record({ pick: fc.nat(), job: fc.nat(99), reason: fc.option(fc.constantFrom('exit 3', 'TIMEOUT', 'resumed'), { nil: undefined }), newCycle: fc.boolean() }), { maxLength: 25 }).map((steps) => {
    const entries: RunEntry[] = [];
    let state: RunState = 'pending';
    let attempt = 1;
    let cycle = 1;
    let clock = Date.parse('2026-01-01T00:00:00Z');
    const t = (): string => new Date((clock += 1000)).toISOString();
    entries.push({ t: t(), run, state, attempt, cycle, batch: 'b', idx: Number(run.split('-')[1]), dir: `/d/${run}` });
    for (const step of steps) {
      const options = RUN_TRANSITIONS[state];
      const next = options[step.pick % options.length] as RunState;
      if (next === 'pending' && ['succeeded', 'failed', 'cancelled'].includes(state)) {
        if (step.newCycle && state === 'succeeded') {
          cycle++;
          attempt = 1;
        } else {
          attempt++;
        }
      }
      state = next;
      entries.push({
        t: t(),
        run,
        state,
        attempt,
        cycle,
        ...(state === 'queued' ? { job: String(step.job) } : {}),
        ...(state === 'submitting' ? { tag: `tag-${attempt}` } : {}),
        ...(state === 'pre_run' ? { inputs: `digest-${step.job}` } : {}),
        ...(state === 'preparing' ? { fresh: step.job % 2 === 0 } : {}),
        ...(state === 'failed' ? { jobState: 'TIMEOUT', exit: 1 } : {}),
        ...(step.reason !== undefined ? { reason: step.reason } : {}),
      });
    }
    return entries;
  });

describe('journal compaction', () => {
  it('replays to exactly the state the full journal replays to (property)', () => {
    fc.assert(
      fc.property(fc.tuple(history('b-0'), history('b-1'), history('b-2')), fc.boolean(), (histories, interleave) => {
        const runs = interleave ? histories.flat().sort((a, b) => a.t.localeCompare(b.t)) : histories.flat();
        const extra: JournalEntry[] = [
          { t: '2026-01-01T00:00:00.000Z', kind: 'start', executor: 'slurm', config: '/c.yaml', host: 'h', pid: 1 },
          { t: '2026-01-01T00:00:00.500Z', kind: 'process', phase: 'pre_process' },
          { t: '2026-01-01T00:00:00.600Z', kind: 'batch', batch: 'b', cycle: 1, phase: 'runs' },
        ];
        const full = replayEntries([...extra, ...runs]);
        const again = replayEntries(compactState(full));
        expect(again.runs).to.deep.equal(full.runs);
        expect(again.batches).to.deep.equal(full.batches);
        expect(again.processes).to.deep.equal(full.processes);
        expect(again.executor).to.equal(full.executor);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps one line per finished attempt and one for the current step', () => {
    const entries: RunEntry[] = (['pending', 'preparing', 'pre_run', 'submitting', 'queued', 'running', 'post_run', 'succeeded'] as const).map((state, i) => ({
      t: `2026-01-01T00:00:0${i}.000Z`,
      run: 'b-0',
      state,
      attempt: 1,
    }));
    expect(compactState(replayEntries(entries))).to.have.length(1);
  });

  it('compacts only a long journal that would shrink by half', () => {
    expect(shouldCompact(5_000, 100)).to.equal(false);
    expect(shouldCompact(50_000, 30_000)).to.equal(false);
    expect(shouldCompact(50_000, 10_000)).to.equal(true);
  });
});

describe('journal compaction on open', () => {
  it('rewrites a long journal into a short one that replays the same', async () => {
    const { tempDirs } = await import('../../helpers/tmp.js');
    const { RunStore, JOURNAL_FILE } = await import('../../../src/state/store.js');
    const { readJournal } = await import('../../../src/state/replay.js');
    const { createSilentLogger } = await import('../../../src/log.js');
    const fs = await import('node:fs/promises');
    const path = await import('node:path');
    const tmp = tempDirs();
    try {
      const dir = await tmp.make();
      const states = ['pending', 'preparing', 'pre_run', 'submitting', 'queued', 'running', 'post_run', 'succeeded'] as const;
      const lines: string[] = [];
      for (let run = 0; run < 2000; run++) {
        for (const state of states) lines.push(JSON.stringify({ t: '2026-01-01T00:00:00.000Z', run: `b-${run}`, state, attempt: 1, ...(state === 'queued' ? { job: String(run) } : {}) }));
      }
      await fs.writeFile(path.join(dir, JOURNAL_FILE), `${lines.join('\n')}\n`);
      const before = replayEntries((await readJournal(path.join(dir, JOURNAL_FILE))).entries);
      const store = await RunStore.open(dir, createSilentLogger());
      await store.record({ run: 'b-0', state: 'pending', attempt: 2 });
      await store.close();
      const after = await readJournal(path.join(dir, JOURNAL_FILE));
      expect(after.entries).to.have.length(2001);
      const replayed = replayEntries(after.entries.slice(0, 2000));
      expect(replayed.runs).to.deep.equal(before.runs);
    } finally {
      await tmp.cleanup();
    }
  });
});
