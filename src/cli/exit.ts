// The exit codes, in one table (the README has the same), and the mapping from errors to them.
import { CommanderError } from 'commander';
import { EnsembleError, formatWhere } from '../errors.js';

/** Every exit code the commands use. */
export const EXIT = {
  /** Every run that was meant to run succeeded. */
  ok: 0,
  /** Some run failed, or a batch or process task failed. */
  failed: 1,
  /** Bad usage or configuration; nothing was run or written. */
  usage: 2,
  /** Interrupted (Ctrl-C or SIGTERM). */
  interrupted: 130,
} as const;

/** The exit code an error implies. */
export function exitCodeOf(error: unknown): number {
  if (error instanceof EnsembleError) return error.exit === 'usage' ? EXIT.usage : EXIT.failed;
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : EXIT.usage;
  return EXIT.failed;
}

/** The message to show for an error: the tool's own errors without a stack, others with one. */
export function describeError(error: unknown, verbose: boolean): string {
  if (error instanceof EnsembleError) {
    const where = error.where && !error.message.includes(error.where.file) ? `${formatWhere(error.where)}: ` : '';
    return `${where}${error.message}`;
  }
  if (error instanceof Error) return verbose ? (error.stack ?? error.message) : `internal error: ${error.message}`;
  return String(error);
}

/** Writes an error as `<program>: <message>` and returns its exit code (0 for --help and --version). */
export function reportError(program: string, error: unknown, err: (text: string) => void, verbose: boolean): number {
  if (error instanceof CommanderError && error.exitCode === 0) return EXIT.ok;
  const message =
    error instanceof CommanderError ? `${error.message.replace(/^error: /, '')} (${program} --help for usage)` : describeError(error, verbose);
  err(`${program}: ${message}\n`);
  return exitCodeOf(error);
}

/** Resolves once everything written to `stream` so far has left the process (a pipe may hold only 64 KiB). */
function drained(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    // An empty write calls back after everything queued before it; a stream that has failed (EPIPE) is done too.
    if (stream.destroyed || !stream.writable) resolve();
    else stream.write('', () => resolve());
  });
}

/**
 * Ends the process with `code` once stdout and stderr have been written out whole, through a pipe too. Exiting
 * explicitly, rather than letting the event loop run dry, because local jobs left running after Ctrl-C must not
 * keep the process alive; exiting at once would drop what a pipe had not taken yet.
 */
export async function exitWhenWritten(code: number): Promise<never> {
  await Promise.all([drained(process.stdout), drained(process.stderr)]);
  process.exit(code);
}

/** Makes sure no unexpected failure ends the process with exit code 0. */
export function installCrashHandlers(): void {
  const crash = (error: unknown): void => {
    process.stderr.write(`model_ensemble: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(EXIT.failed);
  };
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
}
