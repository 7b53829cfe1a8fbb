// Logging: concise human lines on stderr, full lines with metadata in a log file. One winston logger per process;
// modules take a Logger and make children scoped by {batch, run, attempt, job}.
import fs from 'node:fs';
import path from 'node:path';
import winston from 'winston';

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
    fs.mkdirSync(path.dirname(options.file), { recursive: true });
    transports.push(
      new winston.transports.File({
        filename: options.file,
        level: 'debug',
        format: winston.format.combine(winston.format.timestamp(), fileFormat),
      }),
    );
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
