// Scenario "start": what a command costs before it does anything, against `node -e 0` measured in the same run.
// `--version` and `--help` load only the command line; `status` of a finished 1,000-run ensemble reads the
// configuration and replays the journal, and must not pay for the template engine, the executors or the logger.
import path from 'node:path';
import { freshDir, writeConfig, writeTemplate } from './fixture.js';
import { assertSucceeded, measure } from './measure.js';
import { median } from './stats.js';
import type { BenchOptions, Figure, ScenarioResult, Target } from './types.js';

const TARGETS = { version: 1.5, help: 1.5, status: 3 } as const;

/** Runs the scenario. */
export async function runStart(options: BenchOptions): Promise<ScenarioResult> {
  const runs = options.quick ? 100 : 1000;
  const reps = options.quick ? 3 : Math.max(15, options.reps * 4);
  const work = path.join(options.work, 'start');
  const dir = freshDir(work, 'ensemble');
  writeTemplate(path.join(dir, 'template'));
  writeConfig(path.join(dir, 'ensemble.yml'), { runs, maxruns: 16, maxjobs: 16, basedir: path.join(dir, 'runs'), templatedir: path.join(dir, 'template'), tasks: false });
  const main = path.join(options.root, 'dist', 'bin', 'model_ensemble.js');
  const log = path.join(work, 'start.log');
  assertSucceeded('the ensemble to show the status of', await measure(process.execPath, [main, 'ensemble.yml', 'dummy'], { cwd: dir, log }), log);

  const commands: Record<string, string[]> = {
    node: ['-e', '0'],
    version: [main, '--version'],
    help: [main, '--help'],
    status: [main, 'status', 'ensemble.yml'],
  };
  const walls: Record<string, number[]> = { node: [], version: [], help: [], status: [] };
  const ratios: Record<string, number[]> = { version: [], help: [], status: [] };
  for (let rep = 0; rep < reps; rep++) {
    const times: Record<string, number> = {};
    for (const [name, args] of Object.entries(commands)) {
      const result = await measure(process.execPath, args, { cwd: dir, log });
      assertSucceeded(`${name} (${args.join(' ')})`, result, log);
      times[name] = result.wallMs;
      walls[name]?.push(result.wallMs);
    }
    for (const name of Object.keys(ratios)) ratios[name]?.push((times[name] ?? Number.NaN) / (times.node ?? Number.NaN));
  }
  const figures: Figure[] = [
    { label: 'wall, node -e 0 (floor)', values: walls.node ?? [], unit: 'ms', digits: 1 },
    { label: 'wall, model_ensemble --version', values: walls.version ?? [], unit: 'ms', digits: 1 },
    { label: 'wall, model_ensemble --help', values: walls.help ?? [], unit: 'ms', digits: 1 },
    { label: `wall, model_ensemble status (${runs.toLocaleString('en-US')} finished runs)`, values: walls.status ?? [], unit: 'ms', digits: 1 },
    { label: '--version / node -e 0', values: ratios.version ?? [], unit: '×', digits: 2 },
    { label: '--help / node -e 0', values: ratios.help ?? [], unit: '×', digits: 2 },
    { label: 'status / node -e 0', values: ratios.status ?? [], unit: '×', digits: 2 },
  ];
  const target = (name: keyof typeof TARGETS, label: string): Target => ({
    label,
    measured: median(ratios[name] ?? []),
    op: '<=',
    limit: TARGETS[name],
    unit: '×',
    digits: 2,
  });
  return {
    name: 'start',
    title: 'Command start',
    size: `${reps} repetitions, each command once per repetition, in turn`,
    commands: [
      'node -e 0',
      'node dist/bin/model_ensemble.js --version',
      'node dist/bin/model_ensemble.js --help',
      `node dist/bin/model_ensemble.js status ensemble.yml   # in ${path.relative(options.root, dir)}, a finished ensemble of ${runs} runs`,
    ],
    figures,
    targets: [
      target('version', `--version ≤ ${TARGETS.version}× node -e 0`),
      target('help', `--help ≤ ${TARGETS.help}× node -e 0`),
      target('status', `status of ${runs.toLocaleString('en-US')} runs ≤ ${TARGETS.status}× node -e 0`),
    ],
    notes: [],
  };
}
