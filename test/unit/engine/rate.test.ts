import { expect } from 'chai';
import { BURST_SECONDS, createSubmitRate, DEFAULT_SUBMIT_RATE, SubmitRate } from '../../../src/engine/rate.js';

/** A clock that only moves when the limiter waits, and the waits it was asked for. */
function fakeClock(): { now: () => number; wait: (ms: number, signal?: AbortSignal) => Promise<void>; waits: number[]; advance: (ms: number) => void } {
  let time = 0;
  const waits: number[] = [];
  return {
    now: () => time,
    waits,
    advance: (ms) => {
      time += ms;
    },
    wait: async (ms, signal) => {
      signal?.throwIfAborted();
      waits.push(Math.round(ms));
      time += ms;
      return Promise.resolve();
    },
  };
}

describe('engine/rate', () => {
  it('lets a burst through at once, then paces the rest at the rate', async () => {
    const clock = fakeClock();
    const rate = new SubmitRate(10, { burst: 3, now: clock.now, wait: clock.wait });
    for (let i = 0; i < 6; i++) await rate.take();
    expect(clock.waits).to.deep.equal([100, 100, 100]);
  });

  it('refills while nobody submits, up to the burst and no further', async () => {
    const clock = fakeClock();
    const rate = new SubmitRate(2, { burst: 2, now: clock.now, wait: clock.wait });
    await rate.take();
    await rate.take();
    clock.advance(10_000);
    await rate.take();
    await rate.take();
    await rate.take();
    expect(clock.waits).to.deep.equal([500]);
  });

  it('gives turns in the order they were asked for', async () => {
    const clock = fakeClock();
    const rate = new SubmitRate(1, { burst: 1, now: clock.now, wait: clock.wait });
    const order: number[] = [];
    await Promise.all([0, 1, 2, 3].map(async (i) => rate.take().then(() => order.push(i))));
    expect(order).to.deep.equal([0, 1, 2, 3]);
    expect(clock.waits).to.deep.equal([1000, 1000, 1000]);
  });

  it('takes no turn for a submission stopped while it waits', async () => {
    const clock = fakeClock();
    const rate = new SubmitRate(1, { burst: 1, now: clock.now, wait: clock.wait });
    await rate.take();
    const stop = new AbortController();
    stop.abort(new Error('stopped'));
    let error: unknown;
    await rate.take(stop.signal).catch((caught: unknown) => (error = caught));
    expect((error as Error).message).to.equal('stopped');
    await rate.take();
    expect(clock.waits).to.deep.equal([1000]);
  });

  it('bursts five seconds worth by default', () => {
    expect(new SubmitRate(10).burst).to.equal(10 * BURST_SECONDS);
    expect(new SubmitRate(0.1).burst).to.equal(1);
  });

  it('refuses a rate that is not a positive number', () => {
    expect(() => new SubmitRate(0)).to.throw(RangeError);
    expect(() => new SubmitRate(Number.NaN)).to.throw(RangeError);
  });

  it('paces a scheduler by default, local processes never, and no one at rate 0', () => {
    expect(createSubmitRate(undefined, true)?.perSecond).to.equal(DEFAULT_SUBMIT_RATE);
    expect(createSubmitRate(undefined, false)).to.equal(undefined);
    expect(createSubmitRate(0, true)).to.equal(undefined);
    expect(createSubmitRate(2, false)?.perSecond).to.equal(2);
  });
});
