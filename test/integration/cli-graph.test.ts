// Batches as a graph on local processes, as a user meets it: dependencies (after, after_success), conditions and
// rules over metrics, ensemble-wide limits, results and metrics — each checked from what the CLI wrote, the jobs'
// own start and end times in the journal above all.
import { expect } from 'chai';
import fs from 'node:fs/promises';
import path from 'node:path';
import { FAST_TIMEOUTS, runCli, startCli } from '../helpers/cli.js';
import { writeFiles } from '../helpers/ensemble.js';
import { graphEnsemble, jobsOf, peakConcurrency, readJobTimes, span, timedBatch } from '../helpers/graph.js';
import { readEntries } from '../helpers/journal.js';
import { tempDirs } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';

/** Parses CSV as `results --csv` writes it (RFC 4180 quoting). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(field), (field = '');
    else if (c === '\n') row.push(field), rows.push(row), (row = []), (field = '');
    else field += c;
  }
  return rows;
}

/** The statistics of `values` computed the plain way: sample variance, quantiles interpolated as numpy does. */
function byHand(values: number[]): Record<string, number> {
  const v = [...values].sort((a, b) => a - b);
  const n = v.length;
  const q = (p: number): number => {
    const at = (n - 1) * p;
    const lo = Math.floor(at);
    return (v[lo] as number) + ((v[Math.ceil(at)] as number) - (v[lo] as number)) * (at - lo);
  };
  const mean = v.reduce((a, b) => a + b, 0) / n;
  return { count: n, mean, variance: v.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1), min: v[0] as number, max: v[n - 1] as number, median: q(0.5), p90: q(0.9), iqr: q(0.75) - q(0.25) };
}

describe('batches as a graph on local processes (CLI)', function () {
  this.timeout(90_000);
  const tmp = tempDirs();
  after(() => tmp.cleanup());

  it('runs prep, then two independent batches at once, then an after_success batch; results and metrics read back', async () => {
    const dir = await tmp.make();
    const sims = [{ sleep: 1, score: 1 }, { sleep: 1, score: 2 }];
    await writeFiles(
      dir,
      graphEnsemble([
        timedBatch('prep', [{ sleep: 0.2 }]),
        timedBatch('sim_a', sims, { after: ['prep'] }),
        timedBatch('sim_b', sims, { after: ['prep'] }),
        timedBatch('analysis', [{ sleep: 0.1 }], { after_success: ['sim_a', 'sim_b'] }),
      ]),
    );
    const result = await runCli(dir, ['c.yaml', 'local', ...FAST_TIMEOUTS]);
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout).to.equal('prep: 1 succeeded\nsim_a: 2 succeeded\nsim_b: 2 succeeded\nanalysis: 1 succeeded\n');

    const jobs = await readJobTimes(dir);
    const [prep, a, b, analysis] = ['prep', 'sim_a', 'sim_b', 'analysis'].map((name) => span(jobsOf(jobs, name))) as [ReturnType<typeof span>, ReturnType<typeof span>, ReturnType<typeof span>, ReturnType<typeof span>];
    expect(a.start).to.be.at.least(prep.end);
    expect(b.start).to.be.at.least(prep.end);
    // The two independent batches overlap in time: each started before the other ended.
    expect(Math.max(a.start, b.start)).to.be.below(Math.min(a.end, b.end));
    expect(analysis.start).to.be.at.least(Math.max(a.end, b.end));

    const csv = await runCli(dir, ['results', 'c.yaml', '--csv']);
    expect(csv.code, csv.stderr).to.equal(0);
    const [header, ...rows] = parseCsv(csv.stdout);
    expect(header).to.deep.equal(['id', 'batch', 'state', 'attempt', 'sleep', 'score', 'result.score', 'loss.train', 'loss.test', 'tags']);
    expect(rows).to.have.length(6);
    expect(rows.find((row) => row[0] === 'sim_b-1')).to.deep.equal(['sim_b-1', 'sim_b', 'succeeded', '1', '1', '2', '2', '0.5', '0.75', '["a","b"]']);
    expect(rows.find((row) => row[0] === 'prep-0')).to.deep.equal(['prep-0', 'prep', 'succeeded', '1', '0.2', '', '1', '0.5', '0.75', '["a","b"]']);

    const json = await runCli(dir, ['results', 'c.yaml', '--json', '--batch', 'sim_a']);
    expect(JSON.parse(json.stdout)).to.deep.equal([
      { id: 'sim_a-0', batch: 'sim_a', state: 'succeeded', attempt: 1, sleep: 1, score: 1, 'result.score': 1, 'loss.train': 0.5, 'loss.test': 0.75, tags: ['a', 'b'] },
      { id: 'sim_a-1', batch: 'sim_a', state: 'succeeded', attempt: 1, sleep: 1, score: 2, 'result.score': 2, 'loss.train': 0.5, 'loss.test': 0.75, tags: ['a', 'b'] },
    ]);
    const table = await runCli(dir, ['results', 'c.yaml']);
    expect(table.stdout.split('\n')[0]).to.match(/^id\s+batch\s+state\s+attempt\s+sleep\s+score\s+result\.score\s+loss\.train\s+loss\.test\s+tags$/);

    // Metrics as status shows them equal what the journal's own times give, computed by hand.
    const status = JSON.parse((await runCli(dir, ['status', 'c.yaml', '--json'])).stdout) as { batches: Array<{ name: string; metrics: Record<string, unknown> }> };
    for (const name of ['sim_a', 'sim_b']) {
      const metrics = status.batches.find((batch) => batch.name === name)?.metrics as Record<string, Record<string, number> | number>;
      const mine = jobsOf(jobs, name);
      expect(metrics).to.deep.include({ total: 2, done: 2, done_fraction: 1, succeeded: 2, failed: 0, running: 0, pending: 0 });
      for (const [series, values] of [['duration', mine.map((j) => (j.end - j.start) / 1000)], ['queue_wait', mine.map((j) => (j.start - j.submitted) / 1000)]] as const) {
        const expected = byHand(values);
        const got = metrics[series] as Record<string, number>;
        for (const stat of Object.keys(expected)) expect(got[stat], `${name}.${series}.${stat}`).to.be.closeTo(expected[stat] as number, 1e-9);
      }
      expect((metrics.duration as Record<string, number>).mean).to.be.within(0.9, 3);
    }
    const text = await runCli(dir, ['status', 'c.yaml']);
    expect(text.stdout).to.match(/batch sim_a: 2 succeeded\n {2}duration of 2 job\(s\): mean \d+\.\d s, median/);
  });

  it('skips an after_success batch, with the reason, when a batch it waits for has a failed run', async () => {
    const dir = await tmp.make();
    await writeFiles(
      dir,
      graphEnsemble([
        timedBatch('sim', [{ sleep: 0.1 }, { sleep: 0.1, code: 3 }]),
        timedBatch('analysis', [{ sleep: 0.1 }], { after_success: ['sim'] }),
        timedBatch('cleanup', [{ sleep: 0.1 }], { after: ['sim'] }),
      ]),
    );
    const result = await runCli(dir, ['c.yaml', 'local', ...FAST_TIMEOUTS]);
    expect(result.code).to.equal(1);
    expect(result.stdout).to.contain('sim: 1 succeeded, 1 failed');
    expect(result.stdout).to.contain('analysis: skipped — after_success: batch sim did not succeed (1 of its runs did not succeed)');
    expect(result.stdout).to.contain('cleanup: 1 succeeded');
    const status = await runCli(dir, ['status', 'c.yaml']);
    expect(status.stdout).to.contain('batch analysis: 1 not started — skipped: after_success: batch sim did not succeed');
  });

  it('starts a batch by its when: condition before the batch above it is done', async () => {
    const dir = await tmp.make();
    await writeFiles(
      dir,
      graphEnsemble([
        timedBatch('sim', [{ sleep: 0.2 }, { sleep: 0.6 }, { sleep: 0.6 }], { maxruns: 1, maxjobs: 1 }),
        timedBatch('report', [{ sleep: 0.1 }], { when: 'sim.succeeded >= 1' }),
      ]),
    );
    const result = await runCli(dir, ['c.yaml', 'local', ...FAST_TIMEOUTS]);
    expect(result.code, result.stderr).to.equal(0);
    const jobs = await readJobTimes(dir);
    const sim = jobsOf(jobs, 'sim').sort((x, y) => x.start - y.start);
    const [report] = jobsOf(jobs, 'report');
    expect(report?.start).to.be.at.least(sim[0]?.end as number);
    expect(report?.start).to.be.below(sim[2]?.end as number);
  });

  it('holds ensemble.maxjobs across concurrent batches, measured from the jobs themselves', async () => {
    const dir = await tmp.make();
    const three = [{ sleep: 0.4 }, { sleep: 0.4 }, { sleep: 0.4 }];
    await writeFiles(
      dir,
      graphEnsemble([timedBatch('a', three, { after: [] }), timedBatch('b', three, { after: [] }), timedBatch('c', three, { after: [] })], { maxjobs: 2 }),
    );
    const result = await runCli(dir, ['c.yaml', 'local', ...FAST_TIMEOUTS]);
    expect(result.code, result.stderr).to.equal(0);
    const jobs = await readJobTimes(dir);
    expect(jobs).to.have.length(9);
    expect(peakConcurrency(jobs)).to.equal(2);
  });

  it('fires a rule once, journaled, and not again after a kill -9 and a restart', async () => {
    const dir = await tmp.make();
    const runs = [{ sleep: 0.1 }, { sleep: 0.1, hold: true }, { sleep: 0.1 }];
    await writeFiles(
      dir,
      graphEnsemble([timedBatch('sim', runs, { maxruns: 3 }), timedBatch('extra', [{ sleep: 0.1 }], { when: 'sim.failed >= 100' })], {
        rules: [
          { when: 'sim.succeeded >= 1', execute: 'echo fired >> fired.txt' },
          { when: 'sim.succeeded >= 2', start: 'extra' },
        ],
      }),
    );
    const first = startCli(dir, ['c.yaml', 'local', ...FAST_TIMEOUTS]);
    const fired = path.join(dir, 'fired.txt');
    await waitFor(async () => (await fs.readFile(fired, 'utf8').catch(() => '')) === 'fired\n', 20_000, 'the first rule to fire');
    first.child.kill('SIGKILL');
    await first.done;
    await fs.writeFile(path.join(dir, 'go'), '');
    const second = await runCli(dir, ['c.yaml', 'local', ...FAST_TIMEOUTS]);
    expect(second.code, second.stderr).to.equal(0);
    expect(await fs.readFile(fired, 'utf8')).to.equal('fired\n');
    expect(second.stdout).to.contain('extra: 1 succeeded');
    const rules = (await readEntries(dir)).filter((entry) => 'kind' in entry && entry.kind === 'rule');
    expect(rules.map((entry) => ('rule' in entry ? [entry.rule, entry.fired] : []))).to.deep.equal([
      [0, 1],
      [1, 1],
    ]);
    const third = await runCli(dir, ['c.yaml', 'local', ...FAST_TIMEOUTS]);
    expect(third.code, third.stderr).to.equal(0);
    expect(await fs.readFile(fired, 'utf8')).to.equal('fired\n');
  });

  it('cancels a batch by a rule: its running jobs end, no new run starts', async () => {
    const dir = await tmp.make();
    const runs = [{ sleep: 0.1, code: 3 }, { sleep: 30 }, { sleep: 30 }, { sleep: 30 }];
    await writeFiles(dir, graphEnsemble([timedBatch('sim', runs, { maxruns: 3, maxjobs: 3 })], { rules: [{ when: 'sim.failed >= 1', cancel: 'sim' }] }));
    const started = Date.now();
    const result = await runCli(dir, ['c.yaml', 'local', ...FAST_TIMEOUTS]);
    expect(Date.now() - started).to.be.below(20_000);
    expect(result.code).to.equal(1);
    expect(result.stdout).to.contain('sim: 1 failed, 3 cancelled');
    expect(result.stderr).to.match(/batch sim: cancelled by a rule: 3 run\(s\), 2 job\(s\)/);
  });

  it('refuses conditions and names it cannot read with file:line, a did-you-mean, exit 2', async () => {
    const dir = await tmp.make();
    await writeFiles(
      dir,
      graphEnsemble([timedBatch('sim', [{}], { after: ['prepp'] }), timedBatch('prep', [{}], { when: 'sim.succeded >= 3', after: ['prep'] })], {
        rules: [{ when: 'sim.failed >', stop: 'simm' }],
      }),
    );
    const result = await runCli(dir, ['c.yaml', 'local']);
    expect(result.code).to.equal(2);
    expect(result.stderr).to.match(/c\.yaml:\d+:\d+ .*no batch is named "prepp" \(did you mean "prep"\?\)/);
    expect(result.stderr).to.match(/c\.yaml:\d+:\d+ .*"succeded" is not a metric of batch sim \(did you mean "succeeded"\?\)/);
    expect(result.stderr).to.match(/batch prep cannot wait for itself/);
    expect(result.stderr).to.match(/c\.yaml:\d+:\d+ .*condition "sim.failed >": expected a number, a metric or "\(", got the end/);
    expect(result.stderr).to.match(/no batch is named "simm" \(did you mean "sim"\?\)/);
    const circle = await tmp.make();
    await writeFiles(circle, graphEnsemble([timedBatch('x', [{}], { after: ['y'] }), timedBatch('y', [{}], { after: ['x'] })]));
    const refused = await runCli(circle, ['c.yaml', 'local']);
    expect(refused.code).to.equal(2);
    expect(refused.stderr).to.match(/c\.yaml:\d+:\d+ .*batches wait for each other in a circle: x → y → x/);
  });
});
