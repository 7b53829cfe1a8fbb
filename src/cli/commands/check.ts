// `model_ensemble_check [executor]`: runs the sanity ensemble shipped in the package (templates/sanity/) in a
// fresh folder, from any directory, then checks what it left on disk and prints PASS or FAIL.
import fs from 'node:fs/promises';
import path from 'node:path';
import { PACKAGE_ROOT } from '../../package.js';
import { EXIT } from '../exit.js';
import type { RunOptions } from '../options.js';
import { runCommand } from './run.js';
import type { ExecutorName } from '../../executors/names.js';

/** The shipped sanity ensemble. */
export const SANITY_DIR = path.join(PACKAGE_ROOT, 'templates', 'sanity');

export interface CheckRequest {
  readonly executor: ExecutorName;
  readonly options: RunOptions;
  readonly extraVars: Readonly<Record<string, string>>;
  /** Where to run: a new folder made under `cwd` when absent. */
  readonly dir: string | undefined;
  /** Keep the folder after a pass (it is always kept after a failure). */
  readonly keep: boolean;
  readonly cwd: string;
  readonly out: (text: string) => void;
}

/** What the sanity ensemble must leave: each a path under the check folder and its expected content (or null). */
function expectations(): Array<[string, string | RegExp | null]> {
  const values = ['1', '2.5', 'three', '4'];
  const expected: Array<[string, string | RegExp | null]> = [
    ['pre_process.keep', null],
    ['post_process.keep', null],
    ['runs/post_batch.keep', null],
  ];
  values.forEach((value, idx) => {
    const run = `runs/sanity-${idx}`;
    expected.push([`${run}/input.txt`, `value=${value}`]);
    expected.push([`${run}/output.txt`, `result ${idx} value=${value}\n`]);
    expected.push([`${run}/job.sh`, /^#!\/bin\/bash\n#SBATCH --job-name=sanity-\d\n/]);
    expected.push([`${run}/post_run.keep`, null]);
  });
  return expected;
}

/** Compares the folder with what the sanity ensemble must leave; returns the problems. */
async function verify(dir: string): Promise<string[]> {
  const problems: string[] = [];
  for (const [file, want] of expectations()) {
    const text = await fs.readFile(path.join(dir, file), 'utf8').catch(() => undefined);
    if (text === undefined) problems.push(`${file} is missing`);
    else if (typeof want === 'string' && text !== want) problems.push(`${file} holds ${JSON.stringify(text)}, expected ${JSON.stringify(want)}`);
    else if (want instanceof RegExp && !want.test(text)) problems.push(`${file} does not match ${String(want)}`);
  }
  return problems;
}

/** Runs the check; resolves with the exit code (0 pass, 1 fail, 2 usage). */
export async function checkCommand(request: CheckRequest): Promise<number> {
  const dir = request.dir ? path.resolve(request.cwd, request.dir) : await fs.mkdtemp(path.join(request.cwd, 'model_ensemble_check.'));
  await fs.cp(SANITY_DIR, dir, { recursive: true, verbatimSymlinks: true });
  request.out(`model_ensemble_check: running the sanity ensemble on ${request.executor} in ${dir}\n`);
  const code = await runCommand({
    config: 'sanity.yml',
    executor: request.executor,
    options: request.options,
    extraVars: request.extraVars,
    cwd: dir,
    argv: [],
    out: request.out,
  });
  const problems = code === EXIT.interrupted ? [] : await verify(dir);
  if (code === EXIT.interrupted) {
    request.out('model_ensemble_check: INTERRUPTED\n');
    return code;
  }
  if (code === EXIT.ok && problems.length === 0) {
    request.out(`model_ensemble_check: PASS (${request.executor})\n`);
    if (!request.keep) await fs.rm(dir, { recursive: true, force: true });
    return EXIT.ok;
  }
  for (const problem of problems) request.out(`  ${problem}\n`);
  request.out(`model_ensemble_check: FAIL (${request.executor}); everything is kept in ${dir} (see logs/sanity.yml.log)\n`);
  return EXIT.failed;
}
