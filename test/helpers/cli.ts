// Runs the built command-line programs as processes, the way a user does, in a folder of the test's choosing. Every
// process started here is remembered until it ends, so that `stopClis` can end what a failed test left running: its
// pipes would otherwise keep mocha from exiting.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = {
  model_ensemble: path.join(ROOT, 'dist/bin/model_ensemble.js'),
  model_ensemble_check: path.join(ROOT, 'dist/bin/model_ensemble_check.js'),
};

/**
 * Short intervals for every integration test, in seconds: `-ct` between two tries of a waiting check, `-rt` between
 * two job status queries, `-et` after a failed query. A test that needs one longer (a check that must stay waiting)
 * gives that option again after these: the last one given counts.
 */
export const FAST_TIMEOUTS: readonly string[] = ['-ct', '0.05', '-rt', '0.2', '-et', '0.2'];

/** How a command ended. */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly timeoutMs?: number;
}

/** The processes started here that have not ended yet. */
const LIVE = new Set<ChildProcess>();

/** Remembers `child` until it has ended. */
function track(child: ChildProcess): void {
  LIVE.add(child);
  child.once('close', () => LIVE.delete(child));
}

/** Runs `model_ensemble` (or `model_ensemble_check`) with `args` in `cwd`. */
export function runCli(cwd: string, args: readonly string[], options: CliOptions = {}, program: keyof typeof BIN = 'model_ensemble'): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [BIN[program], ...args],
      { cwd, env: { ...process.env, ...options.env }, timeout: options.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    track(child);
  });
}

/** A command started in the background: its process, and its end. */
export interface RunningCli {
  readonly child: ChildProcess;
  readonly done: Promise<CliResult & { readonly signal: NodeJS.Signals | null }>;
}

/** Starts `model_ensemble` with `args` in `cwd` without waiting for it; `stopClis` ends it if the test does not. */
export function startCli(cwd: string, args: readonly string[], options: CliOptions = {}): RunningCli {
  const child = spawn(process.execPath, [BIN.model_ensemble, ...args], { cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  track(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<CliResult & { signal: NodeJS.Signals | null }>((resolve) => {
    child.once('close', (code, signal) => resolve({ code: code ?? -1, signal, stdout, stderr }));
  });
  return { child, done };
}

/**
 * Kills (SIGKILL, as a crash would) every command started here that is still running, waits for each to end, and
 * returns their command lines. Jobs they started run in sessions of their own and end by themselves.
 */
export async function stopClis(): Promise<string[]> {
  const left = [...LIVE];
  await Promise.all(
    left.map(async (child) => {
      const closed = new Promise((resolve) => child.once('close', resolve));
      child.kill('SIGKILL');
      await closed;
    }),
  );
  return left.map((child) => child.spawnargs.slice(1).map((arg) => path.relative(ROOT, arg) || arg).join(' '));
}
