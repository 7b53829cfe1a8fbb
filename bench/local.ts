// Scenario "local overhead": 1,000 runs through the whole pipeline on the local executor, interleaved with the
// same shell work under xargs -P16 (the floor) and GNU parallel -j16 (for reference). The wall-time figure is the
// ratio to the floor of the same repetition; the orchestrator's own CPU and the job-exit → post_run latency are
// absolute, as they do not depend on what else the machine does (much).
import path from 'node:path';
import { hasProgram, LocalPair, probeFileCreation, WIDTH, type Pass } from './local-pair.js';
import { median } from './stats.js';
import type { BenchOptions, Figure, ScenarioResult, Target } from './types.js';

/** Targets of the issue. */
export const LOCAL_TARGETS = { wallRatio: 1.1, cpuMsPerRun: 3, latencyMs: 10 } as const;

/** Runs the scenario. */
export async function runLocalOverhead(options: BenchOptions): Promise<ScenarioResult> {
  const runs = options.quick ? 50 : 1000;
  const pair = new LocalPair(options.root, path.join(options.work, 'local'), runs);
  const parallel = hasProgram('parallel');
  const kinds: Array<'tool' | 'xargs' | 'parallel'> = parallel ? ['tool', 'xargs', 'parallel'] : ['tool', 'xargs'];
  const passes: Record<string, Pass[]> = { tool: [], xargs: [], parallel: [] };
  const creation: number[] = [];

  // A first, unmeasured pass of each warms the page cache and the binaries.
  if (!options.quick) for (const kind of kinds) await (kind === 'tool' ? pair.runTool() : pair.runFloor(kind));
  for (let rep = 0; rep < options.reps; rep++) {
    // Rotate the order so no side always runs right after the same other side.
    const order = kinds.map((_, i) => kinds[(i + rep) % kinds.length] as (typeof kinds)[number]);
    creation.push(probeFileCreation(path.join(options.work, 'local')));
    for (const kind of order) {
      passes[kind]?.push(kind === 'tool' ? await pair.runTool() : await pair.runFloor(kind));
      process.stderr.write(`  local: repetition ${rep + 1}/${options.reps}: ${kind} ${((passes[kind]?.at(-1)?.result.wallMs ?? 0) / 1000).toFixed(2)} s\n`);
    }
  }

  const wall = (kind: string): number[] => (passes[kind] ?? []).map((p) => p.result.wallMs / 1000);
  const tool = passes.tool ?? [];
  const ratios = tool.map((p, i) => p.result.wallMs / (passes.xargs?.[i]?.result.wallMs ?? Number.NaN));
  const cpu = tool.map((p) => (p.result.cpuMs ?? Number.NaN) / runs);
  const latency = tool.map((p) => median(p.latencies));
  const figures: Figure[] = [
    { label: 'wall, model_ensemble', values: wall('tool'), unit: 's', digits: 2 },
    { label: 'wall, xargs -P16 (floor)', values: wall('xargs'), unit: 's', digits: 2 },
    ...(parallel ? [{ label: 'wall, GNU parallel -j16 (reference)', values: wall('parallel'), unit: 's', digits: 2 }] : []),
    { label: 'wall ratio model_ensemble / xargs', values: ratios, unit: '×', digits: 2 },
    { label: 'orchestrator CPU per run (own process, children excluded)', values: cpu, unit: 'ms', digits: 2 },
    { label: 'job exit → post_run start, median of the runs', values: latency, unit: 'ms', digits: 1 },
    { label: 'job exit → post command start under xargs (reference)', values: (passes.xargs ?? []).map((p) => median(p.latencies)), unit: 'ms', digits: 1 },
    { label: 'peak RSS of model_ensemble', values: tool.map((p) => p.result.maxRssMb ?? Number.NaN), unit: 'MB', digits: 0 },
    { label: 'creating one file on the work filesystem (probe)', values: creation, unit: 'µs', digits: 0 },
  ];
  const targets: Target[] = [
    { label: `wall ≤ ${LOCAL_TARGETS.wallRatio}× the xargs floor`, measured: median(ratios), op: '<=', limit: LOCAL_TARGETS.wallRatio, unit: '×', digits: 2 },
    { label: `orchestrator CPU ≤ ${LOCAL_TARGETS.cpuMsPerRun} ms per run`, measured: median(cpu), op: '<=', limit: LOCAL_TARGETS.cpuMsPerRun, unit: 'ms', digits: 2 },
    { label: `job exit → post_run ≤ ${LOCAL_TARGETS.latencyMs} ms (median)`, measured: median(latency), op: '<=', limit: LOCAL_TARGETS.latencyMs, unit: 'ms', digits: 1 },
  ];
  return {
    name: 'local',
    title: 'Local overhead',
    size: `${runs.toLocaleString('en-US')} runs, maxruns ${WIDTH}, ${options.reps} repetition(s) interleaved with the floors`,
    commands: pair.commands(),
    figures,
    targets,
    notes: parallel ? [] : ['GNU parallel is not installed (`apt-get install parallel`): its reference figure is left out.'],
  };
}
