import { expect } from 'chai';
import { EnsembleMetrics, summarizeSeries } from '../../../src/state/metrics.js';
import type { RunRecord } from '../../../src/state/types.js';

function record(id: string, state: RunRecord['state'], times?: { submitted: string; jobStart: string; jobEnd: string }): RunRecord {
  return { id, batch: 'sim', idx: Number(id.split('-')[1]), dir: `/r/${id}`, cycle: 1, state, attempt: 1, updated: 't', attempts: times ? [{ attempt: 1, cycle: 1, ...times }] : [] };
}

describe('state/metrics', () => {
  it('gives the statistics numpy gives: sample variance, quantiles interpolated linearly', () => {
    // numpy: mean 4, var(ddof=1) 12.5, median 3, percentile 90 → 7.6, 75 − 25 → 4 − 2.
    const stats = summarizeSeries([10, 1, 3, 2, 4]);
    expect(stats).to.deep.include({ count: 5, mean: 4, variance: 12.5, min: 1, max: 10, median: 3, iqr: 2 });
    expect(stats.p90).to.be.closeTo(7.6, 1e-12);
    expect(summarizeSeries([7])).to.deep.include({ count: 1, mean: 7, variance: 0, median: 7, p90: 7, iqr: 0 });
    const none = summarizeSeries([]);
    expect(none.count).to.equal(0);
    expect(Number.isNaN(none.mean) && Number.isNaN(none.p90)).to.equal(true);
  });

  it('counts runs by state, moves them as they change, and times only ended jobs', () => {
    const times = { submitted: '2026-01-01T00:00:00.000Z', jobStart: '2026-01-01T00:00:02.000Z', jobEnd: '2026-01-01T00:00:05.500Z' };
    const metrics = new EnsembleMetrics(new Map([['sim', 4]]), [record('sim-0', 'succeeded', times), record('sim-1', 'running')]);
    expect(['total', 'pending', 'running', 'succeeded', 'done', 'done_fraction'].map((name) => metrics.value('sim', name))).to.deep.equal([4, 2, 1, 1, 1, 0.25]);
    expect(metrics.value('sim', 'duration.mean')).to.equal(3.5);
    expect(metrics.value('sim', 'queue_wait.max')).to.equal(2);
    metrics.update(record('sim-1', 'failed', { ...times, jobEnd: '2026-01-01T00:00:03.000Z' }), true);
    expect(['running', 'failed', 'done', 'duration.count', 'duration.min'].map((name) => metrics.value('sim', name))).to.deep.equal([0, 1, 2, 2, 1]);
    expect(Number.isNaN(metrics.value('nope', 'succeeded'))).to.equal(true);
  });
});
