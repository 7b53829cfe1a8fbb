// Runs one command under measurement: wall time from spawn to exit, and, for model_ensemble, its own CPU time and
// peak memory as self-usage.mjs reports them from inside the process. Output goes to a file, never through a pipe
// the benchmark must drain, so the benchmark adds nothing to what it measures.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** What one measured command did. */
export interface Measured {
  readonly wallMs: number;
  /** `Date.now()` just before the spawn, to compare with timestamps the command wrote. */
  readonly startedAt: number;
  readonly exitCode: number | null;
  /** The process's own CPU (children excluded) in ms, when it reported it. */
  readonly cpuMs?: number;
  /** The process's peak resident memory in MB, when it reported it. */
  readonly maxRssMb?: number;
}

export interface MeasureOptions {
  readonly cwd: string;
  readonly env?: Readonly<Record<string, string>>;
  /** File that receives stdout and stderr. */
  readonly log: string;
  /** Text written to the command's stdin (xargs and parallel read run indexes from it). */
  readonly input?: string;
}

/** Runs `file args` and measures it; resolves however it ends. */
export async function measure(file: string, args: readonly string[], options: MeasureOptions): Promise<Measured> {
  fs.mkdirSync(path.dirname(options.log), { recursive: true });
  const out = fs.openSync(options.log, 'w');
  const usageFile = `${options.log}.usage.json`;
  fs.rmSync(usageFile, { force: true });
  const startedAt = Date.now();
  const started = performance.now();
  const child = spawn(file, args, {
    cwd: options.cwd,
    env: { ...process.env, LC_ALL: 'C', ...options.env, MODEL_ENSEMBLE_BENCH_USAGE: usageFile },
    stdio: [options.input === undefined ? 'ignore' : 'pipe', out, out],
  });
  if (options.input !== undefined) child.stdin?.end(options.input);
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => resolve(code));
  });
  const wallMs = performance.now() - started;
  fs.closeSync(out);
  let usage: { userUs: number; systemUs: number; maxRssKb: number } | undefined;
  if (fs.existsSync(usageFile)) usage = JSON.parse(fs.readFileSync(usageFile, 'utf8')) as typeof usage;
  return {
    wallMs,
    startedAt,
    exitCode,
    ...(usage ? { cpuMs: (usage.userUs + usage.systemUs) / 1000, maxRssMb: usage.maxRssKb / 1024 } : {}),
  };
}

/** The arguments that run the built model_ensemble with the self-usage hook loaded. */
export function toolArgs(root: string, args: readonly string[]): string[] {
  const hook = pathToFileURL(path.join(root, 'bench', 'self-usage.mjs')).href;
  return ['--import', hook, path.join(root, 'dist', 'bin', 'model_ensemble.js'), ...args];
}

/** Throws with the end of the log when a measured command failed: a scenario that cannot run is an error. */
export function assertSucceeded(what: string, result: Measured, log: string): void {
  if (result.exitCode === 0) return;
  const tail = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').slice(-15).join('\n') : '';
  throw new Error(`${what} exited with ${String(result.exitCode)} (log ${log}):\n${tail}`);
}
