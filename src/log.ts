// Logging: concise human lines on stderr, full lines with metadata in a log file. One winston logger per process;
// modules take a Logger and make children scoped by {batch, run, attempt, job}.
import fs from 'node:fs';
import path from 'node:path';
import winston from 'winston';
// Types only: winston's own declarations use this package, which winston brings along.
import type TransportStream from 'winston-transport';

export type Logger = winston.Logger;

export interface LoggerOptions {
  /** Debug lines on the console too. */
  readonly verbose?: boolean;
  /** Path of the log file; no file when absent. Its folder is created. */
  readonly file?: string;
  /** Console lines on stderr; default true. */
  readonly console?: boolean;
}

const consoleFormat = winston.format.printf((info) => {
  const level = info.level === 'info' ? '' : `${info.level}: `;
  return `${level}${String(info.message)}`;
});

const fileFormat = winston.format.printf((info) => {
  const { level, message, timestamp, ...meta } = info;
  const extra = Object.keys(meta).length > 0 ? ` ${JSON.stringify(meta)}` : '';
  return `${String(timestamp)} ${level.toUpperCase().padEnd(5)} ${String(message)}${extra}`;
});

/** The formatted line winston's formats leave in an info object. */
const MESSAGE = Symbol.for('message');

/** winston's transport base class: exported as `Transport` at run time, typed as `transport`. */
const Transport = (winston as unknown as { Transport: typeof TransportStream }).Transport;

/**
 * The log file: lines are gathered for one turn of the event loop and appended with one synchronous write. Every
 * run logs about ten lines, and winston's file stream made an asynchronous write (a thread-pool round trip) for
 * nearly each. A line is on disk at most one turn after it was logged, and everything is written before the logger
 * finishes.
 */
class FileLines extends Transport {
  private readonly fd: number;
  private lines: string[] = [];
  private scheduled = false;

  constructor(file: string) {
    super({ level: 'debug', format: winston.format.combine(winston.format.timestamp(), fileFormat) });
    // Never writable by others, whatever the umask.
    this.fd = fs.openSync(file, 'a', 0o644);
  }

  override log(info: Record<string | symbol, unknown>, next: () => void): void {
    this.lines.push(`${String(info[MESSAGE])}\n`);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
    next();
  }

  override _final(callback: (error?: Error | null) => void): void {
    try {
      this.flush();
      fs.closeSync(this.fd);
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  private flush(): void {
    this.scheduled = false;
    if (this.lines.length === 0) return;
    const buffer = Buffer.from(this.lines.join(''));
    this.lines = [];
    for (let offset = 0; offset < buffer.length; ) offset += fs.writeSync(this.fd, buffer, offset);
  }
}

/** Builds the process's logger. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.verbose ? 'debug' : 'info';
  const transports: winston.transport[] = [];
  if (options.console ?? true) {
    transports.push(
      new winston.transports.Console({
        level,
        stderrLevels: ['error', 'warn', 'info', 'debug'],
        format: consoleFormat,
      }),
    );
  }
  if (options.file) {
    fs.mkdirSync(path.dirname(options.file), { recursive: true, mode: 0o755 });
    transports.push(new FileLines(options.file));
  }
  return winston.createLogger({ level: 'debug', transports, exitOnError: false });
}

/** A logger that drops everything, for tests and library use. */
export function createSilentLogger(): Logger {
  return winston.createLogger({ silent: true, transports: [new winston.transports.Console({ silent: true })] });
}

/** Waits until every transport has written what it was given (call before exiting). */
export async function flushLogger(logger: Logger): Promise<void> {
  const done = new Promise<void>((resolve) => {
    logger.on('finish', () => resolve());
  });
  logger.end();
  await done;
}
