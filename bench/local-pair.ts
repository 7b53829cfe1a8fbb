// One local ensemble and its floor, ready to be run again and again: model_ensemble on the local executor, and the
// same shell work by hand under xargs -P16 or GNU parallel -j16. Shared by the local-overhead and scale scenarios.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { freshDir, POST_RUN, PRE_RUN, readLatencies, writeConfig, writeTemplate } from './fixture.js';
import { assertSucceeded, measure, toolArgs, type Measured } from './measure.js';

/** Parallelism of the floors, and maxruns of the ensemble. */
export const WIDTH = 16;

/** One measured pass: the command's figures and each run's job-exit → post_run latency. */
export interface Pass {
  readonly result: Measured;
  readonly latencies: number[];
}

/**
 * Microseconds to create one small file in `dir`'s filesystem, from 500 files written in place. Creating files is most
 * of a run's cost on some filesystems (an ext4 without journal scans for inodes not deleted recently: 500 µs a file,
 * against 10 µs on tmpfs), for the floor and for model_ensemble alike; the figure says which kind this one is.
 */
export function probeFileCreation(work: string): number {
  const probe = freshDir(work, 'probe');
  const started = performance.now();
  for (let i = 0; i < 500; i++) fs.writeFileSync(path.join(probe, `f${i}`), 'x');
  return ((performance.now() - started) * 1000) / 500;
}

/** Whether a program is on PATH. */
export function hasProgram(program: string): boolean {
  return spawnSync('bash', ['-c', `command -v ${program}`], { stdio: 'ignore' }).status === 0;
}

/** A local ensemble of `runs` runs under `work`, with its floor; every pass runs in a folder of its own. */
export class LocalPair {
  readonly template: string;
  private readonly script: string;
  private lastTool: string | undefined;

  constructor(
    private readonly root: string,
    private readonly work: string,
    readonly runs: number,
  ) {
    this.template = path.join(work, 'template');
    this.script = path.join(root, 'bench', 'floor', 'local-run.sh');
    writeTemplate(this.template);
  }

  /** The command lines, as RESULTS.md shows them. */
  commands(): string[] {
    const rel = (p: string): string => path.relative(this.root, p);
    const env = `FLOOR_TEMPLATE=${rel(this.template)} FLOOR_BASE=<dir> FLOOR_PRE='${PRE_RUN}' FLOOR_POST='${POST_RUN}'`;
    return [
      `model_ensemble ensemble.yml dummy   # in ${rel(this.work)}/passes/<n>-tool; node --import bench/self-usage.mjs dist/bin/model_ensemble.js`,
      `seq 0 ${this.runs - 1} | ${env} xargs -P${WIDTH} -n1 bash bench/floor/local-run.sh`,
      `seq 0 ${this.runs - 1} | ${env} parallel --will-cite -j${WIDTH} bash bench/floor/local-run.sh {}`,
    ];
  }

  /** Runs model_ensemble once, in a folder of its own. */
  async runTool(): Promise<Pass> {
    const dir = freshDir(this.work, 'tool');
    const runsDir = path.join(dir, 'runs');
    const config = path.join(dir, 'ensemble.yml');
    writeConfig(config, { runs: this.runs, maxruns: WIDTH, maxjobs: WIDTH, basedir: runsDir, templatedir: this.template, tasks: true });
    const log = path.join(this.work, 'logs', 'tool.log');
    const result = await measure('node', toolArgs(this.root, [config, 'dummy']), { cwd: dir, log });
    assertSucceeded('model_ensemble', result, log);
    this.lastTool = dir;
    return { result, latencies: readLatencies(runsDir, this.runs) };
  }

  /** Runs the floor once under `xargs` or `parallel`, in a folder of its own. */
  async runFloor(kind: 'xargs' | 'parallel'): Promise<Pass> {
    const dir = freshDir(this.work, kind);
    const base = path.join(dir, 'runs');
    fs.mkdirSync(base);
    const env = { FLOOR_TEMPLATE: this.template, FLOOR_BASE: base, FLOOR_PRE: PRE_RUN, FLOOR_POST: POST_RUN };
    const input = Array.from({ length: this.runs }, (_, i) => `${i}\n`).join('');
    const log = path.join(this.work, 'logs', `${kind}.log`);
    const args = kind === 'xargs' ? [`-P${WIDTH}`, '-n1', 'bash', this.script] : ['--will-cite', `-j${WIDTH}`, 'bash', this.script, '{}'];
    const result = await measure(kind, args, { cwd: dir, env, log, input });
    assertSucceeded(kind, result, log);
    return { result, latencies: readLatencies(base, this.runs) };
  }

  /** The journal model_ensemble wrote in its last pass. */
  journal(): string {
    return path.join(this.lastTool ?? this.work, '.model_ensemble', 'ensemble', 'journal.jsonl');
  }
}
