// A logger that keeps what it is given, so tests can check what was logged: that a failing scheduler command is
// logged once, with its command, exit status and output, or that a task is waiting.
import { Writable } from 'node:stream';
import winston from 'winston';
import type { Logger } from '../../src/log.js';

/** One kept log line. */
export interface LogLine {
  readonly level: string;
  readonly message: string;
}

/** A logger and the lines it has received. */
export function captureLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const stream = new Writable({
    objectMode: true,
    write(info: { level: string; message: unknown }, _encoding, next) {
      lines.push({ level: info.level, message: String(info.message) });
      next();
    },
  });
  return { logger: winston.createLogger({ level: 'debug', transports: [new winston.transports.Stream({ stream })] }), lines };
}
