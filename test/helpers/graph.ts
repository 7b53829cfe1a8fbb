// Ensembles of several batches for the dependency, rule and limit tests, and the job times their journal holds.
import { buildEnsembleYaml, type BatchYaml, type EnsembleYaml, type YamlValue } from './ensemble-yaml.js';
import type { EnsembleFiles } from './ensemble.js';
import { readRunEntries } from './journal.js';

/**
 * A job that sleeps `run.sleep` seconds (0.3 unless a run says), waits for the file `go` in the ensemble folder when
 * the run sets `hold: true`, leaves a result file and exits with `run.code` (0 unless a run says).
 */
export const TIMED_JOB = `#!/bin/bash
#SBATCH --job-name={{ run.id }}
#SBATCH --time=5
{% if run.hold %}while [ ! -e ../../../go ]; do sleep 0.05; done{% endif %}
sleep {{ run.sleep | default(0.3) }}
echo '{"score": {{ run.score | default(1) }}, "loss": {"train": 0.5, "test": 0.75}, "tags": ["a", "b"]}' > result.json
exit {{ run.code | default(0) }}
`;

/** A batch of TIMED_JOB runs in ./runs/<name>; `batch` adds or replaces keys. */
export function timedBatch(name: string, runs: readonly YamlValue[], batch: Partial<BatchYaml> = {}): BatchYaml {
  return { name, templatedir: '../../tpl', templates: ['job.sh.j2'], job_file: 'job.sh', basedir: `./runs/${name}`, maxruns: 4, maxjobs: 4, ...batch, runs };
}

/** `c.yaml` of `batches` (and any other `ensemble:` keys), with the timed job's template. */
export function graphEnsemble(batches: readonly BatchYaml[], ensemble: Partial<EnsembleYaml> = {}): EnsembleFiles {
  return { 'c.yaml': buildEnsembleYaml({ ...ensemble, batches }), 'tpl/job.sh.j2': TIMED_JOB };
}

/** One job as the journal holds it: its run, and when it was submitted, started and ended (ms since the epoch). */
export interface JobTimes {
  readonly run: string;
  readonly batch: string;
  readonly executor: string | undefined;
  readonly submitted: number;
  readonly start: number;
  readonly end: number;
}

/** Every ended job of the ensemble in `dir`, from the journal: submission time and the job's own start and end. */
export async function readJobTimes(dir: string): Promise<JobTimes[]> {
  const entries = await readRunEntries(dir);
  const batchOf = new Map<string, string>();
  const submitted = new Map<string, number>();
  const executor = new Map<string, string>();
  const jobs: JobTimes[] = [];
  for (const entry of entries) {
    if (entry.batch !== undefined) batchOf.set(entry.run, entry.batch);
    if (entry.state === 'submitting') {
      submitted.set(entry.run, Date.parse(entry.t));
      if (entry.executor !== undefined) executor.set(entry.run, entry.executor);
    }
    if (entry.jobStart !== undefined && entry.jobEnd !== undefined) {
      jobs.push({
        run: entry.run,
        batch: batchOf.get(entry.run) ?? '',
        executor: executor.get(entry.run),
        submitted: submitted.get(entry.run) ?? Number.NaN,
        start: Date.parse(entry.jobStart),
        end: Date.parse(entry.jobEnd),
      });
    }
  }
  return jobs;
}

/** The most jobs running at one moment, from their own start and end times. */
export function peakConcurrency(jobs: readonly JobTimes[]): number {
  const events = jobs.flatMap((job) => [
    { at: job.start, delta: 1 },
    { at: job.end, delta: -1 },
  ]);
  // An end at the same moment as a start frees its place first.
  events.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let now = 0;
  let peak = 0;
  for (const event of events) {
    now += event.delta;
    peak = Math.max(peak, now);
  }
  return peak;
}

/** The jobs of batch `name`. */
export function jobsOf(jobs: readonly JobTimes[], name: string): JobTimes[] {
  return jobs.filter((job) => job.batch === name);
}

/** The earliest start and the latest end of `jobs`. */
export function span(jobs: readonly JobTimes[]): { start: number; end: number } {
  return { start: Math.min(...jobs.map((j) => j.start)), end: Math.max(...jobs.map((j) => j.end)) };
}
