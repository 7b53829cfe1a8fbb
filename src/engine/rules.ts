// The ensemble's rules: when a rule's condition over metrics holds, it fires — starts, stops or cancels a batch,
// or runs a command. A rule fires once unless it says `repeat: true` (again each time its condition becomes true
// again, or with `every: N` at most once per N more finished runs of the batches it names). Every firing is
// journaled before it acts, so a resumed ensemble neither fires a rule again nor forgets that it fired: a batch it
// started, stopped or cancelled is so again after a restart.
import { batchesOf, holds } from '../config/expression.js';
import type { Rule } from '../config/types.js';
import { runShell } from '../process/run.js';
import { DEFAULT_TASK_TIMEOUT_S } from '../tasks/command.js';
import { cancelRuns } from './control.js';
import type { BatchScheduler } from './scheduler.js';
import type { RunEnv } from './types.js';

interface RuleState {
  fired: number;
  /** Finished runs of the rule's batches at its last firing. */
  finished: number;
  /** Whether its condition held when last judged (a repeating rule fires when it becomes true again). */
  held: boolean;
  busy: boolean;
}

/** Judges the rules after each change and fires those whose condition holds. */
export class RuleRunner {
  private readonly states = new Map<number, RuleState>();

  constructor(
    private readonly env: RunEnv,
    private readonly rules: readonly Rule[],
    private readonly scheduler: BatchScheduler,
  ) {
    for (const rule of rules) {
      const known = env.options.store.state.rules.get(rule.index);
      // A rule that fired before a restart and still holds has not become true again.
      this.states.set(rule.index, { fired: known?.fired ?? 0, finished: known?.finished ?? 0, held: (known?.fired ?? 0) > 0, busy: false });
      // What it did to batches still holds: a batch it started is started, one it stopped or cancelled stays so. A
      // command it ran is not run again.
      if (known !== undefined && known.fired > 0) {
        if (rule.stop !== undefined) env.stopped.add(rule.stop);
        if (rule.cancel !== undefined) env.stopped.add(rule.cancel);
        if (rule.start !== undefined) {
          env.stopped.delete(rule.start);
          scheduler.force(rule.start);
        }
      }
    }
  }

  /** Judges every rule now. */
  judge(): void {
    const value = (batch: string, metric: string): number => this.env.metrics.value(batch, metric);
    for (const rule of this.rules) {
      const state = this.states.get(rule.index) as RuleState;
      if (state.busy || this.env.options.stop.aborted) continue;
      const now = holds(rule.when.expr, value);
      const finished = this.env.metrics.finished(batchesOf(rule.when.expr));
      const fire = !now
        ? false
        : !rule.repeat
          ? state.fired === 0
          : rule.every !== undefined
            ? state.fired === 0 || finished - state.finished >= rule.every
            : !state.held;
      state.held = now;
      if (fire) void this.fire(rule, state, finished);
    }
  }

  private async fire(rule: Rule, state: RuleState, finished: number): Promise<void> {
    const { options } = this.env;
    state.busy = true;
    try {
      await options.store.note({ kind: 'rule', rule: rule.index, fired: state.fired + 1, finished });
      state.fired++;
      state.finished = finished;
      options.logger.info(`rule ${rule.index + 1} ("${rule.when.text}") fired${state.fired > 1 ? ` (time ${state.fired})` : ''}`);
      await this.act(rule);
    } catch (error) {
      options.logger.warn(`rule ${rule.index + 1} ("${rule.when.text}"): ${(error as Error).message}`);
    } finally {
      state.busy = false;
    }
  }

  private async act(rule: Rule): Promise<void> {
    const { env } = this;
    if (rule.stop !== undefined) {
      env.stopped.add(rule.stop);
      env.dispatcher.stopBatch(rule.stop);
      env.options.logger.info(`batch ${rule.stop}: stopped by a rule; running runs finish, no new ones start`);
    }
    if (rule.cancel !== undefined) {
      const name = rule.cancel;
      env.stopped.add(name);
      env.dispatcher.stopBatch(name);
      const batch = env.ensemble.batches.find((b) => b.name === name);
      const ids = batch?.runs.map((run) => run.id) ?? [];
      const done = await cancelRuns({ ...env, executorOf: (record) => env.channels.of(record.executor ?? batch?.executor).executor, configured: batch?.runs ?? [] }, ids);
      env.options.logger.warn(`batch ${name}: cancelled by a rule: ${done.runs.length} run(s), ${done.jobs.length} job(s) in the scheduler`);
    }
    if (rule.start !== undefined) {
      env.stopped.delete(rule.start);
      this.scheduler.force(rule.start);
    }
    if (rule.execute !== undefined) {
      const result = await runShell(env.options.shell, rule.execute, { cwd: env.ensemble.cwd, timeoutMs: DEFAULT_TASK_TIMEOUT_S * 1000, signal: env.options.abort });
      const tail = result.output.trim().split('\n').slice(-3).join(' | ');
      const level = result.exitCode === 0 ? 'info' : 'warn';
      env.options.logger.log(level, `rule ${rule.index + 1}: \`${rule.execute}\` ${result.exitCode === 0 ? 'ran' : `ended with exit ${String(result.exitCode)}`}${tail ? `: ${tail}` : ''}`);
    }
  }
}
