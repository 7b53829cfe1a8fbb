// Ctrl-C in two stages: the first stops new work and lets running steps finish (the journal stays consistent);
// the second stops the running steps too. SIGTERM counts as a first Ctrl-C.
import { setMaxListeners } from 'node:events';
import type { Logger } from '../log.js';

/** The two stages as AbortSignals, and a way to remove the handlers. */
export interface Interrupts {
  readonly stop: AbortSignal;
  readonly abort: AbortSignal;
  /** Acts as a first Ctrl-C. */
  interrupt(): void;
  dispose(): void;
}

/** Installs SIGINT/SIGTERM handlers. */
export function installInterrupts(logger: Logger): Interrupts {
  const stop = new AbortController();
  const abort = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (!stop.signal.aborted) {
      logger.warn(`${signal}: stopping — nothing new starts, running steps finish, jobs in the queue are left to run. ${signal === 'SIGINT' ? 'Ctrl-C again to stop running steps too.' : ''}`.trim());
      stop.abort(new DOMException('interrupted', 'AbortError'));
    } else if (!abort.signal.aborted) {
      logger.warn(`${signal}: stopping running steps`);
      abort.abort(new DOMException('interrupted', 'AbortError'));
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const either = AbortSignal.any([stop.signal, abort.signal]);
  // Every run in flight listens to these: thousands of listeners are expected, not a leak.
  setMaxListeners(0, either, abort.signal);
  return {
    stop: either,
    abort: abort.signal,
    interrupt: () => onSignal('SIGTERM'),
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
