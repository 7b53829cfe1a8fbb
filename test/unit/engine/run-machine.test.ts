import { expect } from 'chai';
import { canTransition, RUN_TRANSITIONS, RunMachine } from '../../../src/engine/run-machine.js';
import { RunStore } from '../../../src/state/store.js';
import type { RunEntry, RunState } from '../../../src/state/types.js';

const STATES = Object.keys(RUN_TRANSITIONS) as RunState[];

/** A machine over an in-memory store holding run r-0 in `state`, and the entries the store records from then on. */
async function machineWith(state: RunState): Promise<{ machine: RunMachine; store: RunStore; entries: RunEntry[] }> {
  const store = RunStore.inMemory();
  await store.record({ run: 'r-0', state, attempt: 1, reason: 'set up by the test' });
  const entries: RunEntry[] = [];
  store.on('run:state', (_record, entry) => entries.push(entry));
  return { machine: new RunMachine(store), store, entries };
}

/** A promise and the function that resolves it. */
function gate(): { opened: Promise<void>; open(): void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe('engine/run-machine', () => {
  it('names every run state in its table, and only legal states as targets', () => {
    expect(STATES).to.have.members(['pending', 'preparing', 'pre_run', 'submitting', 'queued', 'running', 'post_run', 'succeeded', 'failed', 'cancelled', 'skipped']);
    for (const targets of Object.values(RUN_TRANSITIONS)) expect(STATES).to.include.members([...targets]);
  });

  for (const from of STATES) {
    it(`moves a run from ${from} to exactly the states its table lists, and refuses the others`, async () => {
      for (const to of STATES) {
        const { machine, store, entries } = await machineWith(from);
        const legal = RUN_TRANSITIONS[from].includes(to);
        expect(canTransition(from, to), `${from} → ${to}`).to.equal(legal);
        const moved = await machine.move({ run: 'r-0', state: to }).then(
          (record) => record.state,
          (error: Error) => error.message,
        );
        if (legal) {
          expect(moved, `${from} → ${to}`).to.equal(to);
          expect(entries.map((e) => e.state)).to.deep.equal([to]);
        } else if (from === 'cancelled' && to === 'cancelled') {
          // A request and the run's own pipeline may both cancel it: the second is no move at all.
          expect(moved).to.equal('cancelled');
          expect(entries).to.deep.equal([]);
          expect(store.records.get('r-0')?.reason).to.equal('set up by the test');
        } else {
          expect(moved).to.equal(`internal error: run r-0 cannot go from ${from} to ${to}`);
          expect(entries, 'nothing is journaled').to.deep.equal([]);
          expect(store.records.get('r-0')?.state).to.equal(from);
        }
      }
    });
  }

  it('records a run\'s first move with attempt 1, and keeps the attempt until a move gives another', async () => {
    const machine = new RunMachine(RunStore.inMemory());
    expect(machine.get('alpha-0')).to.equal(undefined);
    const first = await machine.move({ run: 'alpha-0', state: 'pending', batch: 'alpha', idx: 0, dir: '/r/alpha-0' });
    expect(first).to.deep.include({ id: 'alpha-0', state: 'pending', attempt: 1, dir: '/r/alpha-0' });
    await machine.move({ run: 'alpha-0', state: 'preparing' });
    await machine.move({ run: 'alpha-0', state: 'failed', reason: 'exit 1' });
    await machine.move({ run: 'alpha-0', state: 'pending', attempt: 2 });
    expect((await machine.move({ run: 'alpha-0', state: 'preparing' })).attempt).to.equal(2);
    expect([...machine.records()].map((r) => [r.id, r.state, r.attempt])).to.deep.equal([['alpha-0', 'preparing', 2]]);
  });

  it('records the moves of one run one after another, in call order, each checked against the one before', async () => {
    const store = RunStore.inMemory();
    await store.record({ run: 'r-0', state: 'pending', attempt: 1 });
    await store.record({ run: 'r-1', state: 'pending', attempt: 1 });
    const record = store.record.bind(store);
    const first = gate();
    const reached: string[] = [];
    store.record = async (change) => {
      reached.push(`${change.run} ${change.state}`);
      if (reached.length === 1) await first.opened;
      return record(change);
    };
    const machine = new RunMachine(store);
    // Called together: pre_run is legal only after preparing, submitting only after pre_run.
    const moves = [machine.move({ run: 'r-0', state: 'preparing' }), machine.move({ run: 'r-0', state: 'pre_run' }), machine.move({ run: 'r-0', state: 'submitting' })];
    const other = machine.move({ run: 'r-1', state: 'preparing' });
    await other;
    // Another run's move is not held up; this run's later moves wait for its first.
    expect(reached).to.deep.equal(['r-0 preparing', 'r-1 preparing']);
    first.open();
    await Promise.all(moves);
    expect(store.records.get('r-0')?.state).to.equal('submitting');
    expect(reached).to.deep.equal(['r-0 preparing', 'r-1 preparing', 'r-0 pre_run', 'r-0 submitting']);
  });

  it('goes on with a run\'s next move after one that was refused', async () => {
    const { machine, entries } = await machineWith('pending');
    const refused = machine.move({ run: 'r-0', state: 'queued' });
    const next = machine.move({ run: 'r-0', state: 'preparing' });
    expect(await refused.then(() => 'moved', (error: Error) => error.message)).to.equal('internal error: run r-0 cannot go from pending to queued');
    expect((await next).state).to.equal('preparing');
    expect(entries.map((e) => e.state)).to.deep.equal(['preparing']);
  });

  it('cancels a cancelled run once: the second cancel is no journal line and returns the record as it is', async () => {
    const { machine, entries } = await machineWith('queued');
    const first = await machine.move({ run: 'r-0', state: 'cancelled', reason: 'cancelled by request', jobState: 'CANCELLED' });
    const second = await machine.move({ run: 'r-0', state: 'cancelled', reason: 'cancelled again' });
    expect(second).to.equal(first);
    expect(second.reason).to.equal('cancelled by request');
    expect(entries.map((e) => [e.state, e.reason])).to.deep.equal([['cancelled', 'cancelled by request']]);
  });
});
