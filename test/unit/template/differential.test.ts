// The differential test: a seeded, generated corpus of templates rendered by Debian's Jinja2 (python3-jinja2, as
// model-ensembler renders them: default settings, `run` a namedtuple of the context) and by our renderer, failing
// on any output that differs and is not an entry of test/fixtures/template/DIFFERENCES.md. It is also the gate for
// a nunjucks upgrade (see the README's Development section). Replay a failure with its seed:
//   TEMPLATE_SEED=123 npx mocha test/unit/template/differential.test.ts   (TEMPLATE_SEED=random for a new corpus)
// TEMPLATE_CASES sets the corpus size; TEMPLATE_PYTHON names a python3 that has jinja2 (else /usr/bin/python3).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { PyDate, PyFloat } from '../../../src/config/values.js';
import { compileTemplates, renderTemplate } from '../../../src/template/render.js';
import { FIXTURES } from './helpers/cases.js';
import { TemplateGenerator, type GeneratedCase } from './helpers/template-generator.js';

// A fixed seed by default, so that the suite gives the same verdict on every run; TEMPLATE_SEED=random explores.
const SEED = process.env['TEMPLATE_SEED'] === 'random' ? Math.floor(Math.random() * 2 ** 31) : Number(process.env['TEMPLATE_SEED'] ?? 20_261_202);
const COUNT = Number(process.env['TEMPLATE_CASES'] ?? 3000);

interface OracleResult {
  readonly output?: string;
  readonly error?: string;
  /** The render used an undefined value (Jinja2's StrictUndefined fails on it). */
  readonly undefined?: boolean;
}

type Ours = { output: string } | { code: string; message: string };

// The first of these with jinja2 importable: the override, Debian's python3, the one on PATH.
function findPython(): string {
  const candidates = [process.env['TEMPLATE_PYTHON'], '/usr/bin/python3', 'python3'].filter((c): c is string => !!c);
  for (const python of candidates) {
    if (spawnSync(python, ['-c', 'import jinja2'], { stdio: 'ignore' }).status === 0) return python;
  }
  throw new Error(`no python3 with jinja2 among ${candidates.join(', ')}: install Debian's python3-jinja2 (.ci/run does)`);
}

// Context values as JSON, with tags for the Python types the oracle rebuilds.
function encode(value: unknown): unknown {
  if (value instanceof PyFloat) return { $float: value.valueOf() };
  if (value instanceof PyDate) {
    if (!value.hasTime) return { $date: [value.year, value.month, value.day] };
    return { $datetime: [value.year, value.month, value.day, value.hour, value.minute, value.second, value.microsecond, value.offsetMinutes ?? null] };
  }
  if (Array.isArray(value)) return value.map(encode);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encode(v)]));
  return value;
}

function renderWithJinja(python: string, cases: readonly GeneratedCase[]): OracleResult[] {
  const input = JSON.stringify({ cases: cases.map((c) => ({ template: c.template, files: c.files, context: encode(c.context) })) });
  const result = spawnSync(python, [path.join(FIXTURES, 'jinja-oracle.py')], { input, maxBuffer: 1 << 28, timeout: 120_000 });
  if (result.status !== 0) throw new Error(`jinja-oracle.py failed: ${String(result.stderr)}`);
  return (JSON.parse(String(result.stdout)) as { results: OracleResult[] }).results;
}

async function renderWithUs(dir: string, testCase: GeneratedCase): Promise<Ours> {
  for (const [name, text] of Object.entries({ ...testCase.files, 'template.j2': testCase.template })) {
    await fs.writeFile(path.join(dir, name), text);
  }
  try {
    return { output: renderTemplate(await compileTemplates(dir, ['template.j2']), 'template.j2', testCase.context) };
  } catch (error) {
    return { code: String((error as { code?: string }).code), message: (error as Error).message };
  }
}

// DIFFERENCES.md: integers beyond 2**53 lose precision. Outputs that differ only in such numbers (to 12 digits) agree.
function sameButLargeIntegers(ours: string, theirs: string): boolean {
  const split = (text: string) => text.split(/(\d{16,})/);
  const a = split(ours);
  const b = split(theirs);
  const close = (x: string, y: string) => Math.abs(Number(x) - Number(y)) <= Math.abs(Number(y)) * 1e-12;
  return a.length === b.length && a.every((part, i) => part === b[i] || (i % 2 === 1 && close(part, b[i]!)));
}

/** Why our result may differ from Jinja2's, by DIFFERENCES.md, or undefined when nothing explains it. */
function explain(ours: Ours, theirs: OracleResult): string | undefined {
  if ('output' in ours && theirs.output !== undefined) {
    if (ours.output === theirs.output) return 'same';
    return sameButLargeIntegers(ours.output, theirs.output) ? 'large integers' : undefined;
  }
  if ('code' in ours && theirs.error !== undefined) return 'both fail';
  // The deliberate difference: an undefined value fails the run, where Jinja2 prints nothing or goes on.
  if ('code' in ours && ours.code === 'ERR_TEMPLATE_UNDEFINED' && theirs.undefined) return 'undefined variable';
  return undefined;
}

describe('templates render as Debian\'s Jinja2 renders them, on a generated corpus', function () {
  this.timeout(180_000);

  it(`renders ${COUNT} generated templates (seed ${SEED}) as Jinja2 does, but for the documented differences`, async () => {
    const python = findPython();
    const generator = new TemplateGenerator(SEED);
    const cases = Array.from({ length: COUNT }, () => generator.next());
    const theirs = renderWithJinja(python, cases);
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'template-differential-'));
    const failures: string[] = [];
    const tally: Record<string, number> = {};
    try {
      for (const [i, testCase] of cases.entries()) {
        const dir = path.join(root, String(i));
        await fs.mkdir(dir);
        const ours = await renderWithUs(dir, testCase);
        const reason = explain(ours, theirs[i]!);
        tally[reason ?? 'differs'] = (tally[reason ?? 'differs'] ?? 0) + 1;
        if (reason === undefined && failures.length < 20) {
          failures.push(`case ${i}: ${JSON.stringify(testCase.template)}\n  Jinja2: ${JSON.stringify(theirs[i])}\n  ours:   ${JSON.stringify(ours)}`);
        }
      }
    } finally {
      await fs.rm(root, { recursive: true, force: true });
    }
    const summary = `seed ${SEED} (replay: TEMPLATE_SEED=${SEED} npx mocha test/unit/template/differential.test.ts): ${JSON.stringify(tally)}`;
    expect(failures, `${summary}\n${failures.join('\n')}`).to.deep.equal([]);
    // Most of the corpus must render in both, or the test would prove little.
    expect(tally['same'] ?? 0, summary).to.be.above(COUNT / 2);
  });
});
