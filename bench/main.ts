// `npm run bench [-- --quick] [--only local,slurm,scale,templates,start] [--reps N] [--work DIR] [--no-build]`: builds the
// package, runs every scenario, prints a table and writes bench/RESULTS.md. `--quick` runs each scenario at a small
// size once, judges no target and writes bench/work/RESULTS.quick.md instead: it proves the benchmark still runs.
// `--work` puts the generated files elsewhere than bench/work/, on another filesystem (creating a file costs 10 µs
// on one and 500 µs on another), and, like --only and --reps, writes bench/work/RESULTS.partial.md. The exit code is non-zero only when a scenario could not run; a missed target is reported, not failed.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runLocalOverhead } from './local.js';
import { describeMachine } from './machine.js';
import { removePasses } from './fixture.js';
import { formatScenario, writeResults } from './report.js';
import { runScale } from './scale.js';
import { runSchedulerLoad } from './slurm.js';
import { runStart } from './start.js';
import { runTemplates } from './templates.js';
import type { BenchOptions, ScenarioResult } from './types.js';

const SCENARIOS: Record<string, (options: BenchOptions) => Promise<ScenarioResult>> = {
  local: runLocalOverhead,
  slurm: runSchedulerLoad,
  scale: runScale,
  templates: runTemplates,
  start: runStart,
};

interface Args {
  readonly quick: boolean;
  readonly only: string[] | undefined;
  readonly reps: number | undefined;
  readonly work: string | undefined;
  readonly build: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  let quick = false;
  let build = true;
  let only: string[] | undefined;
  let reps: number | undefined;
  let work: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i];
    if (word === '--quick') quick = true;
    else if (word === '--no-build') build = false;
    else if (word === '--only') only = (argv[++i] ?? '').split(',').filter((name) => name !== '');
    else if (word === '--reps') reps = Number(argv[++i]);
    else if (word === '--work') work = path.resolve(argv[++i] ?? '');
    else throw new Error(`unknown argument ${String(word)}; use --quick, --only ${Object.keys(SCENARIOS).join(',')}, --reps N, --work DIR, --no-build`);
  }
  const unknown = (only ?? []).filter((name) => !(name in SCENARIOS));
  if (unknown.length > 0) throw new Error(`unknown scenario ${unknown.join(', ')}; the scenarios are ${Object.keys(SCENARIOS).join(', ')}`);
  if (reps !== undefined && !(Number.isInteger(reps) && reps > 0)) throw new Error('--reps takes a whole number greater than 0');
  return { quick, only, reps, work, build };
}

/** Builds dist/ from the sources (`npm run build`), so the figures are those of the code as it is. */
function build(root: string): void {
  const result = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('the build failed (npm run build)');
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const work = args.work ?? path.join(root, 'bench', 'work');
  fs.mkdirSync(work, { recursive: true });
  if (args.build) build(root);
  const options: BenchOptions = { quick: args.quick, reps: args.reps ?? (args.quick ? 1 : 5), work, root };
  const machine = describeMachine();
  process.stderr.write(`${machine.join('\n')}\n\n`);
  const results: ScenarioResult[] = [];
  let failed = 0;
  for (const name of args.only ?? Object.keys(SCENARIOS)) {
    const started = performance.now();
    process.stderr.write(`scenario ${name}${args.quick ? ' (quick)' : ''}...\n`);
    try {
      const result = await (SCENARIOS[name] as (o: BenchOptions) => Promise<ScenarioResult>)(options);
      results.push(result);
      process.stdout.write(`\n${formatScenario(result, !args.quick)}`);
    } catch (error) {
      failed++;
      process.stdout.write(`\n${name}: FAILED TO RUN: ${error instanceof Error ? error.message : String(error)}\n`);
    }
    process.stderr.write(`scenario ${name} took ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
  }
  const full = !args.quick && args.only === undefined && args.reps === undefined && args.work === undefined && failed === 0;
  const file = full ? path.join(root, 'bench', 'RESULTS.md') : path.join(root, 'bench', 'work', args.quick ? 'RESULTS.quick.md' : 'RESULTS.partial.md');
  const command = ['npm run bench', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' ');
  writeResults(file, machine, command, results);
  process.stderr.write('removing the run directories of every pass...\n');
  removePasses(work);
  process.stdout.write(`\nresults written to ${path.relative(process.cwd(), file)}\n`);
  return failed > 0 ? 1 : 0;
}

process.exitCode = await main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  return 2;
});
