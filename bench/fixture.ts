// The ensembles the scenarios run, written fresh into bench/work/: a three-file template directory (two templates
// and a plain file), and a configuration with N runs. The floors run the same commands on the same files.
import fs from 'node:fs';
import path from 'node:path';

/** pre_run: one execute, a shell builtin so the command itself costs the same everywhere. */
export const PRE_RUN = 'test -s params.txt';
/** post_run: notes when it starts (bash's microsecond clock, no extra process) and checks the job's output. */
export const POST_RUN = 'echo $EPOCHREALTIME > .post-start; test -s output.txt';

/** The job template: trivial work, and the job's own end time for the exit → post_run latency. */
const LOCAL_JOB = `#!/bin/bash
#SBATCH --job-name={{ run.id }}
#SBATCH --time=00:10:00
echo "{{ run.greeting }} from {{ run.id }}, value {{ run.value }}" > output.txt
echo $EPOCHREALTIME > .job-end
`;

const PARAMS = `run_id = {{ run.id }}
value = {{ run.value }}
greeting = {{ run.greeting }}
`;

/** Writes the three-file template directory; `job` is the job template's text. */
export function writeTemplate(dir: string, job: string = LOCAL_JOB): void {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'job.sh.j2'), job);
  fs.writeFileSync(path.join(dir, 'params.txt.j2'), PARAMS);
  fs.writeFileSync(path.join(dir, 'data.txt'), 'static input, copied as it is\n');
}

/** A SLURM job of `seconds` seconds on one CPU. */
export function slurmJob(seconds: number): string {
  return `#!/bin/bash
#SBATCH --job-name={{ run.id }}
#SBATCH --ntasks=1
#SBATCH --time=00:05:00
sleep ${seconds}
echo "{{ run.greeting }} from {{ run.id }}, value {{ run.value }}" > output.txt
`;
}

export interface ConfigOptions {
  readonly runs: number;
  readonly maxruns: number;
  readonly maxjobs: number;
  /** Absolute paths. */
  readonly basedir: string;
  readonly templatedir: string;
  /** Add the pre_run and post_run executes. */
  readonly tasks: boolean;
}

/** Writes a configuration with one batch `b` of `runs` runs (`{value: i}`). */
export function writeConfig(file: string, options: ConfigOptions): void {
  const head = [
    'ensemble:',
    '  vars:',
    '    greeting: hello',
    '  batches:',
    '    - name: b',
    `      basedir: ${options.basedir}`,
    `      templatedir: ${options.templatedir}`,
    '      templates: [job.sh.j2, params.txt.j2]',
    '      job_file: job.sh',
    `      maxruns: ${options.maxruns}`,
    `      maxjobs: ${options.maxjobs}`,
  ];
  const tasks = options.tasks
    ? ['      pre_run:', '        - name: execute', `          args: {cmd: '${PRE_RUN}'}`, '      post_run:', '        - name: execute', `          args: {cmd: '${POST_RUN}'}`]
    : [];
  const runs = Array.from({ length: options.runs }, (_, i) => `        - {value: ${i}}`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, [...head, ...tasks, '      runs:', ...runs, ''].join('\n'));
}

/** Reads a bash `$EPOCHREALTIME` file as seconds (a comma is accepted as the decimal mark). */
export function readEpoch(file: string): number | undefined {
  try {
    const value = Number(fs.readFileSync(file, 'utf8').trim().replace(',', '.'));
    return Number.isFinite(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Milliseconds from each run's job end to its post_run start, for the run directories `<base>/b-<i>`. */
export function readLatencies(base: string, runs: number): number[] {
  const latencies: number[] = [];
  for (let i = 0; i < runs; i++) {
    const dir = path.join(base, `b-${i}`);
    const end = readEpoch(path.join(dir, '.job-end'));
    const post = readEpoch(path.join(dir, '.post-start'));
    if (end !== undefined && post !== undefined) latencies.push((post - end) * 1000);
  }
  return latencies;
}

/** Removes a folder, whatever is in it. */
export function clear(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

let passes = 0;

/**
 * A new, empty folder under `<work>/passes/` for one measured pass. Passes never reuse or delete each other's files:
 * on an ext4 without journal, creating a file right after thousands were deleted costs up to 50 times more (the
 * allocator skips recently freed inodes), which would measure the benchmark's own clean-up. `removePasses` deletes
 * them all once the figures are taken.
 */
export function freshDir(work: string, name: string): string {
  const dir = path.join(work, 'passes', `${process.pid}-${++passes}-${name}`);
  clear(dir);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** Deletes the pass folders of every scenario under `work` (each scenario's `<work>/<scenario>/passes`). */
export function removePasses(work: string): void {
  if (!fs.existsSync(work)) return;
  for (const entry of fs.readdirSync(work, { withFileTypes: true })) {
    if (entry.isDirectory()) clear(path.join(work, entry.name, 'passes'));
  }
}
