// Runs the built command-line programs as processes, the way a user does, in a folder of the test's choosing.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = {
  model_ensemble: path.join(ROOT, 'dist/cli/main.js'),
  model_ensemble_check: path.join(ROOT, 'dist/cli/check-main.js'),
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

/** Runs `model_ensemble` (or `model_ensemble_check`) with `args` in `cwd`. */
export function runCli(cwd: string, args: readonly string[], options: CliOptions = {}, program: keyof typeof BIN = 'model_ensemble'): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN[program], ...args],
      { cwd, env: { ...process.env, ...options.env }, timeout: options.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** A command started in the background: its process, and its end. */
export interface RunningCli {
  readonly child: ChildProcess;
  readonly done: Promise<CliResult & { readonly signal: NodeJS.Signals | null }>;
}

/** Starts `model_ensemble` with `args` in `cwd` without waiting for it. */
export function startCli(cwd: string, args: readonly string[], options: CliOptions = {}): RunningCli {
  const child = spawn(process.execPath, [BIN.model_ensemble, ...args], { cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<CliResult & { signal: NodeJS.Signals | null }>((resolve) => {
    child.once('close', (code, signal) => resolve({ code: code ?? -1, signal, stdout, stderr }));
  });
  return { child, done };
}
