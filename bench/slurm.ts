// Scenario "scheduler load": model_ensemble on the real SLURM, 50 and 200 runs with maxjobs 50 and jobs of a few
// seconds, every scheduler command counted by a pass-through wrapper first on PATH. Interleaved with the floor: a
// bare loop of sbatch plus one squeue per poll interval (bench/floor/slurm-loop.sh), through the same wrappers.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { clear, slurmJob, writeConfig, writeTemplate } from './fixture.js';
import { hasProgram } from './local-pair.js';
import { assertSucceeded, measure, toolArgs, type Measured } from './measure.js';
import { median } from './stats.js';
import type { BenchOptions, Figure, ScenarioResult, Target } from './types.js';

const COMMANDS = ['sbatch', 'squeue', 'sacct', 'scontrol', 'scancel'] as const;
const STATUS = new Set(['squeue', 'sacct', 'scontrol']);
const TARGETS = { wallRatio: 1.2, extraStatusCalls: 5 } as const;

/** Pass-through wrappers that log each call's command name to `log`; returns the folder to put first on PATH. */
function writeCountingPath(dir: string, log: string): string {
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin, { recursive: true });
  for (const command of COMMANDS) {
    const real = spawnSync('bash', ['-c', `command -v ${command}`], { encoding: 'utf8' }).stdout.trim() || command;
    fs.writeFileSync(path.join(bin, command), `#!/bin/sh\nprintf '%s\\n' ${command} >> '${log}'\nexec '${real}' "$@"\n`, { mode: 0o755 });
  }
  return bin;
}

/** Calls per command in the log. */
function countCalls(log: string): Map<string, number> {
  const counts = new Map<string, number>(COMMANDS.map((c) => [c, 0]));
  for (const line of fs.readFileSync(log, 'utf8').split('\n')) if (line !== '') counts.set(line, (counts.get(line) ?? 0) + 1);
  return counts;
}

/** Why SLURM cannot be used here, or undefined when it can. */
function slurmMissing(): string | undefined {
  if (!hasProgram('sbatch')) return 'sbatch is not on PATH: start the single-node cluster with `.ci/slurm-up` (as root)';
  if (spawnSync('scontrol', ['ping'], { encoding: 'utf8' }).stdout.includes('UP')) return undefined;
  return 'scontrol ping finds no controller: start it with `.ci/slurm-up` (as root)';
}

interface SizeRun {
  readonly result: Measured;
  readonly calls: Map<string, number>;
}

/** Runs the scenario. */
export async function runSchedulerLoad(options: BenchOptions): Promise<ScenarioResult> {
  const sizes = options.quick ? [4, 12] : [50, 200];
  const maxjobs = options.quick ? 4 : 50;
  const seconds = options.quick ? 1 : 3;
  const interval = 1;
  // Jobs start in waves a few seconds apart on a busy cluster: a single pair can land on either side of one.
  const reps = options.quick ? 1 : options.reps;
  const title = 'Scheduler load (real SLURM)';
  const size = `${sizes.join(' and ')} runs, maxjobs ${maxjobs}, jobs of ${seconds} s, poll interval -rt ${interval} s, ${reps} repetition(s) interleaved with the floor`;
  const missing = slurmMissing();
  if (missing) return { name: 'slurm', title, size, commands: [], figures: [], targets: [], skipped: missing, notes: [] };

  const work = path.join(options.work, 'slurm');
  const log = path.join(work, 'calls.log');
  const env = { PATH: `${writeCountingPath(work, log)}:${process.env.PATH ?? ''}` };
  const template = path.join(work, 'template');
  const jobText = slurmJob(seconds);
  writeTemplate(template, jobText);
  const floorScript = path.join(options.root, 'bench', 'floor', 'slurm-loop.sh');
  const figures: Figure[] = [];
  const targets: Target[] = [];
  const commands: string[] = [];

  for (const runs of sizes) {
    const toolDir = path.join(work, `tool-${runs}`);
    const config = path.join(toolDir, 'ensemble.yml');
    writeConfig(config, { runs, maxruns: runs, maxjobs, basedir: path.join(toolDir, 'runs'), templatedir: template, tasks: false });
    const floorBase = path.join(work, `floor-${runs}`);
    clear(floorBase);
    for (let i = 0; i < runs; i++) {
      fs.mkdirSync(path.join(floorBase, `r-${i}`), { recursive: true });
      const text = jobText.replaceAll('{{ run.id }}', `r-${i}`).replaceAll('{{ run.greeting }}', 'hello').replaceAll('{{ run.value }}', String(i));
      fs.writeFileSync(path.join(floorBase, `r-${i}`, 'job.sh'), text);
    }
    const toolCommand = [config, '-rt', String(interval)];
    commands.push(`PATH=bench/work/slurm/bin:$PATH model_ensemble ${path.relative(options.root, config)} -rt ${interval}`);
    commands.push(`PATH=bench/work/slurm/bin:$PATH bash bench/floor/slurm-loop.sh ${path.relative(options.root, floorBase)} ${runs} ${maxjobs} ${interval}`);

    const tool: SizeRun[] = [];
    const floor: SizeRun[] = [];
    for (let rep = 0; rep < reps; rep++) {
      for (const side of rep % 2 === 0 ? ['tool', 'floor'] : ['floor', 'tool']) {
        fs.writeFileSync(log, '');
        const out = path.join(work, 'logs', `${side}-${runs}.log`);
        if (side === 'tool') {
          for (const dir of ['runs', '.model_ensemble', 'logs']) clear(path.join(toolDir, dir));
          const result = await measure('node', toolArgs(options.root, toolCommand), { cwd: toolDir, env, log: out });
          assertSucceeded('model_ensemble on SLURM', result, out);
          tool.push({ result, calls: countCalls(log) });
        } else {
          const result = await measure('bash', [floorScript, floorBase, String(runs), String(maxjobs), String(interval)], { cwd: floorBase, env, log: out });
          assertSucceeded('the sbatch loop', result, out);
          floor.push({ result, calls: countCalls(log) });
        }
      }
      process.stderr.write(`  slurm ${runs}: repetition ${rep + 1}/${reps}: model_ensemble ${((tool.at(-1)?.result.wallMs ?? 0) / 1000).toFixed(1)} s, loop ${((floor.at(-1)?.result.wallMs ?? 0) / 1000).toFixed(1)} s\n`);
    }
    const calls = (list: SizeRun[], pick: (name: string) => boolean): number[] =>
      list.map((r) => [...r.calls].filter(([name]) => pick(name)).reduce((sum, [, n]) => sum + n, 0));
    const wall = (list: SizeRun[]): number[] => list.map((r) => r.result.wallMs / 1000);
    const status = calls(tool, (n) => STATUS.has(n));
    const extra = status.map((n, i) => n - (wall(tool)[i] ?? 0) / interval);
    const ratios = tool.map((r, i) => r.result.wallMs / (floor[i]?.result.wallMs ?? Number.NaN));
    const sbatch = calls(tool, (n) => n === 'sbatch');
    const each = (name: string): string => `${name} ${median(calls(tool, (n) => n === name))}`;
    figures.push(
      { label: `${runs} runs: wall, model_ensemble`, values: wall(tool), unit: 's', digits: 1 },
      { label: `${runs} runs: wall, sbatch loop + squeue poll (floor)`, values: wall(floor), unit: 's', digits: 1 },
      { label: `${runs} runs: wall ratio model_ensemble / floor`, values: ratios, unit: '×', digits: 2 },
      { label: `${runs} runs: sbatch calls`, values: sbatch, unit: 'calls', digits: 0 },
      { label: `${runs} runs: status calls (squeue + sacct + scontrol)`, values: status, unit: 'calls', digits: 0 },
      { label: `${runs} runs: status calls beyond wall / poll interval`, values: extra, unit: 'calls', digits: 1 },
      { label: `${runs} runs: squeue calls of the floor`, values: calls(floor, (n) => n === 'squeue'), unit: 'calls', digits: 0 },
    );
    targets.push(
      { label: `${runs} runs: sbatch calls = runs`, measured: Math.max(...sbatch), op: '=', limit: runs, unit: 'calls', digits: 0 },
      { label: `${runs} runs: status calls ≤ wall / poll interval + ${TARGETS.extraStatusCalls}`, measured: median(extra), op: '<=', limit: TARGETS.extraStatusCalls, unit: 'calls over', digits: 1 },
      { label: `${runs} runs: wall ≤ ${TARGETS.wallRatio}× the floor`, measured: median(ratios), op: '<=', limit: TARGETS.wallRatio, unit: '×', digits: 2 },
    );
    commands.push(`# ${runs} runs, model_ensemble's calls (median): ${COMMANDS.map(each).join(', ')}`);
  }
  return { name: 'slurm', title, size, commands, figures, targets, notes: [] };
}
