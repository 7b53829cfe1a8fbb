// Scenario "templates": what rendering costs per run once a batch's templates are compiled (as the engine does:
// once per batch), against compiling them again for every run, and what preparing a whole run directory costs
// (copy the template tree, render, write) against its floor, `cp -a` and two `sed` processes per run.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { freshDir, writeTemplate } from './fixture.js';
import type { BenchOptions, Figure, ScenarioResult } from './types.js';

type RenderModule = typeof import('../src/template/render.js');
type CopyModule = typeof import('../src/template/copy.js');

const TEMPLATES = ['job.sh.j2', 'params.txt.j2'];

/** A run's context as the engine builds it (vars, batch keys, the run's entry, id, idx, dir, batch_idx, attempt). */
function buildContext(i: number): Record<string, unknown> {
  return { greeting: 'hello', name: 'b', maxruns: 16, maxjobs: 16, value: i, id: `b-${i}`, idx: i, dir: `/runs/b-${i}`, batch_idx: 1, attempt: 1 };
}

/** Microseconds per call of `step`, over `count` calls. */
async function perCall(count: number, step: (i: number) => unknown): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < count; i++) await step(i);
  return ((performance.now() - started) * 1000) / count;
}

/** Runs the scenario. */
export async function runTemplates(options: BenchOptions): Promise<ScenarioResult> {
  const work = path.join(options.work, 'templates');
  const template = path.join(work, 'template');
  writeTemplate(template);
  const dist = (file: string): string => pathToFileURL(path.join(options.root, 'dist', 'template', file)).href;
  const { compileTemplates, renderTemplate } = (await import(dist('render.js'))) as RenderModule;
  const { materializeTree, scanTemplateTree, writeRendered } = (await import(dist('copy.js'))) as CopyModule;
  const renders = options.quick ? 1000 : 20_000;
  const dirs = options.quick ? 100 : 1000;
  const reps = options.quick ? 1 : options.reps;

  const compiled = await compileTemplates(template, TEMPLATES);
  const tree = await scanTemplateTree(template, { exclude: TEMPLATES });
  const renderRun = (i: number): string[] => TEMPLATES.map((name) => renderTemplate(compiled, name, buildContext(i)));
  const figures: Record<string, number[]> = { render: [], compile: [], prepare: [], floor: [] };
  await perCall(renders, renderRun); // warm up the JIT, as a batch's first runs do
  for (let rep = 0; rep < reps; rep++) {
    figures.render?.push(await perCall(renders, renderRun));
    figures.compile?.push(
      await perCall(Math.ceil(renders / 50), async (i) => {
        const fresh = await compileTemplates(template, TEMPLATES);
        return TEMPLATES.map((name) => renderTemplate(fresh, name, buildContext(i)));
      }),
    );
    let base = path.join(freshDir(work, 'prepare'), 'runs');
    figures.prepare?.push(
      await perCall(dirs, async (i) => {
        const dir = path.join(base, `b-${i}`);
        await materializeTree(tree, dir);
        const texts = renderRun(i);
        await Promise.all(TEMPLATES.map(async (name, k) => writeRendered(dir, name, texts[k] ?? '', 0o644)));
      }),
    );
    base = path.join(freshDir(work, 'floor'), 'runs');
    fs.mkdirSync(base);
    const sed = (file: string): string => `sed -e "s/{{ run.id }}/b-$i/g" -e "s/{{ run.value }}/$i/g" -e "s/{{ run.greeting }}/hello/g" "$d/${file}.j2" > "$d/${file}"`;
    const loop = `for i in $(seq 0 ${dirs - 1}); do d=${base}/b-$i; cp -a ${template} "$d"; ${sed('job.sh')}; ${sed('params.txt')}; done`;
    const started = performance.now();
    spawnSync('bash', ['-c', loop], { stdio: 'ignore' });
    figures.floor?.push(((performance.now() - started) * 1000) / dirs);
  }
  const list: Figure[] = [
    { label: 'render both templates, compiled once per batch', values: figures.render ?? [], unit: 'µs per run', digits: 1 },
    { label: 'compile and render both, for every run (for contrast)', values: figures.compile ?? [], unit: 'µs per run', digits: 0 },
    { label: 'prepare a run directory: copy the tree, render, write', values: figures.prepare ?? [], unit: 'µs per run', digits: 0 },
    { label: 'floor: cp -a and two sed processes, one after another', values: figures.floor ?? [], unit: 'µs per run', digits: 0 },
  ];
  return {
    name: 'templates',
    title: 'Templates',
    size: `two templates and a plain file; ${renders.toLocaleString('en-US')} renders and ${dirs.toLocaleString('en-US')} run directories per repetition, ${reps} repetition(s), in one process`,
    commands: ['npm run bench -- --only templates   # dist/template/render.js and copy.js called in-process', `bash -c 'for i in ...; do cp -a template "$d"; sed ... job.sh.j2 > job.sh; sed ... params.txt.j2 > params.txt; done'`],
    figures: list,
    targets: [],
    notes: ['No target: rendering is never the cost, which these figures show against the process starts of a run.'],
  };
}
