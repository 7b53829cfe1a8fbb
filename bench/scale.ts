// Scenario "scale": 10,000 runs on the local executor, interleaved with the xargs floor. What a large ensemble
// costs beyond the work: peak memory, the time from the command's start to its first submission (loading and
// checking the configuration, preflight, journal), wall time against the floor, and replaying the journal of
// 10,000 runs, which every restart and every `status` does.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { LOCAL_TARGETS } from './local.js';
import { LocalPair, type Pass } from './local-pair.js';
import { median } from './stats.js';
import type { BenchOptions, Figure, ScenarioResult, Target } from './types.js';

const TARGETS = { rssMb: 100, firstSubmitMs: 1000, replayMs: 500 } as const;

/** Milliseconds from the command's start to the first run journaled as being submitted. */
function firstSubmission(journal: string, startedAt: number): number {
  for (const line of fs.readFileSync(journal, 'utf8').split('\n')) {
    if (!line.includes('"state":"submitting"')) continue;
    return Date.parse((JSON.parse(line) as { t: string }).t) - startedAt;
  }
  return Number.NaN;
}

/** The median of five journal replays, each in a fresh process; and the journal's entry count. */
function replay(root: string, journal: string): { ms: number; entries: number } {
  const times: number[] = [];
  let entries = 0;
  for (let i = 0; i < 5; i++) {
    const probe = spawnSync(process.execPath, [path.join(root, 'bench', 'replay-probe.mjs'), path.join(root, 'dist'), journal], { encoding: 'utf8' });
    if (probe.status !== 0) throw new Error(`journal replay failed: ${probe.stderr}`);
    const [ms, count] = probe.stdout.trim().split(' ').map(Number);
    times.push(ms ?? Number.NaN);
    entries = count ?? 0;
  }
  return { ms: median(times), entries };
}

/** Runs the scenario. */
export async function runScale(options: BenchOptions): Promise<ScenarioResult> {
  const runs = options.quick ? 300 : 10_000;
  const reps = options.quick ? 1 : Math.min(options.reps, 3);
  const pair = new LocalPair(options.root, path.join(options.work, 'scale'), runs);
  const tool: Pass[] = [];
  const floor: Pass[] = [];
  const first: number[] = [];
  const replays: number[] = [];
  let entries = 0;
  for (let rep = 0; rep < reps; rep++) {
    for (const side of rep % 2 === 0 ? ['tool', 'xargs'] : ['xargs', 'tool']) {
      if (side === 'xargs') {
        floor.push(await pair.runFloor('xargs'));
        continue;
      }
      const pass = await pair.runTool();
      tool.push(pass);
      first.push(firstSubmission(pair.journal(), pass.result.startedAt));
      const replayed = replay(options.root, pair.journal());
      replays.push(replayed.ms);
      entries = replayed.entries;
    }
    process.stderr.write(`  scale: repetition ${rep + 1}/${reps}: model_ensemble ${((tool.at(-1)?.result.wallMs ?? 0) / 1000).toFixed(1)} s, xargs ${((floor.at(-1)?.result.wallMs ?? 0) / 1000).toFixed(1)} s\n`);
  }
  const ratios = tool.map((p, i) => p.result.wallMs / (floor[i]?.result.wallMs ?? Number.NaN));
  const rss = tool.map((p) => p.result.maxRssMb ?? Number.NaN);
  const figures: Figure[] = [
    { label: 'wall, model_ensemble', values: tool.map((p) => p.result.wallMs / 1000), unit: 's', digits: 1 },
    { label: 'wall, xargs -P16 (floor)', values: floor.map((p) => p.result.wallMs / 1000), unit: 's', digits: 1 },
    { label: 'wall ratio model_ensemble / xargs', values: ratios, unit: '×', digits: 2 },
    { label: 'peak RSS of model_ensemble', values: rss, unit: 'MB', digits: 0 },
    { label: 'start → first submission', values: first, unit: 'ms', digits: 0 },
    { label: `journal replay (${entries.toLocaleString('en-US')} entries, fresh process)`, values: replays, unit: 'ms', digits: 0 },
    { label: 'orchestrator CPU per run', values: tool.map((p) => (p.result.cpuMs ?? Number.NaN) / runs), unit: 'ms', digits: 2 },
  ];
  const targets: Target[] = [
    { label: `peak RSS ≤ ${TARGETS.rssMb} MB`, measured: median(rss), op: '<=', limit: TARGETS.rssMb, unit: 'MB', digits: 0 },
    { label: `start → first submission ≤ ${TARGETS.firstSubmitMs / 1000} s`, measured: median(first), op: '<=', limit: TARGETS.firstSubmitMs, unit: 'ms', digits: 0 },
    { label: `wall ≤ ${LOCAL_TARGETS.wallRatio}× the xargs floor`, measured: median(ratios), op: '<=', limit: LOCAL_TARGETS.wallRatio, unit: '×', digits: 2 },
    { label: `journal replay ≤ ${TARGETS.replayMs / 1000} s`, measured: median(replays), op: '<=', limit: TARGETS.replayMs, unit: 'ms', digits: 0 },
  ];
  const journal = path.relative(options.root, pair.journal()).replace(/passes\/[^/]+-tool/, 'passes/<n>-tool');
  const commands = [...pair.commands().slice(0, 2), `node bench/replay-probe.mjs dist ${journal}   # five times, each in a fresh process`];
  return {
    name: 'scale',
    title: 'Scale',
    size: `${runs.toLocaleString('en-US')} runs on the local executor, maxruns 16, ${reps} repetition(s) interleaved with the floor`,
    commands,
    figures,
    targets,
    notes: [],
  };
}
