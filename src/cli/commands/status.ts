// `model_ensemble status <configuration>`: per batch, the runs by state; per run, its state, job, attempts, times
// and reason; the batch's metrics (job durations, queue waits); `--json` for scripts. Read-only: it reads the
// journal, never takes the lock.
import path from 'node:path';
import { readStatus } from '../../engine/status.js';
import type { BatchRow, RunRow } from '../../state/queries.js';
import { EXIT } from '../exit.js';

export interface StatusRequest {
  readonly config: string;
  readonly stateDir: string | undefined;
  readonly json: boolean;
  readonly cwd: string;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

/** `14:03:22` for today, `2026-11-20 14:03` for older times. */
function shortTime(iso: string | undefined, now = new Date()): string {
  if (!iso) return '';
  const t = new Date(iso);
  const pad = (n: number): string => String(n).padStart(2, '0');
  const time = `${pad(t.getHours())}:${pad(t.getMinutes())}:${pad(t.getSeconds())}`;
  if (t.toDateString() === now.toDateString()) return time;
  return `${t.getFullYear()}-${pad(t.getMonth() + 1)}-${pad(t.getDate())} ${time.slice(0, 5)}`;
}

/** Lays out rows as aligned columns. */
export function formatTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

function runCells(run: RunRow): string[] {
  const history = run.history.length > 1 ? ` [${run.history.map((a) => `${a.attempt}:${a.jobState ?? a.state ?? '…'}`).join(' ')}]` : '';
  return [run.id, run.state, String(run.attempts || ''), run.job ?? '', shortTime(run.started), shortTime(run.ended), `${run.reason ?? ''}${history}`];
}

/** Seconds for a person: `340 ms`, `12.5 s`, `3m05s`, `2h14m`. */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return '-';
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const pad = (n: number): string => String(n).padStart(2, '0');
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${pad(Math.round(seconds % 60))}s`;
  return `${Math.floor(seconds / 3600)}h${pad(Math.round((seconds % 3600) / 60))}m`;
}

/** `duration of 12 jobs: mean 3.1 s, median ...` for each series that has values. */
function formatMetrics(batch: BatchRow): string {
  const lines: string[] = [];
  for (const [label, stats] of [['duration', batch.metrics.duration], ['queue wait', batch.metrics.queue_wait]] as const) {
    if (stats.count === 0) continue;
    const parts = (['mean', 'median', 'p90', 'min', 'max', 'iqr'] as const).map((stat) => `${stat} ${formatSeconds(stats[stat])}`);
    lines.push(`  ${label} of ${stats.count} job(s): ${parts.join(', ')}\n`);
  }
  return lines.join('');
}

function formatBatch(batch: BatchRow): string {
  const counts = Object.entries(batch.counts).map(([state, n]) => `${n} ${state}`).join(', ');
  const cycle = batch.cycle !== undefined && batch.cycle > 1 ? `, cycle ${batch.cycle}` : '';
  const failure = batch.failure ? ` — ${batch.failure}` : batch.skipped ? ` — skipped: ${batch.skipped}` : '';
  const table = formatTable(['RUN', 'STATE', 'ATTEMPTS', 'JOB', 'STARTED', 'ENDED', 'REASON'], batch.runs.map(runCells));
  return `batch ${batch.name}: ${counts || 'no runs'}${cycle}${failure}\n${formatMetrics(batch)}${table}\n`;
}

/** Prints the status; resolves with the exit code. */
export async function statusCommand(request: StatusRequest): Promise<number> {
  const report = await readStatus(request.config, { cwd: request.cwd, stateDir: request.stateDir });
  if (report.configProblem !== undefined) {
    request.err(`model_ensemble status: the configuration cannot be read (${report.configProblem}); showing the journal only\n`);
  }
  if (report.ownerProblem !== undefined) request.err(`model_ensemble status: ${report.ownerProblem}; showing what it holds\n`);
  for (const refused of report.refusedRequests) request.err(`model_ensemble status: request ${refused.file} is not applied: ${refused.why}\n`);
  if (request.json) {
    const { stateDir, executor, runningBy, batches, refusedRequests } = report;
    request.out(`${JSON.stringify({ stateDir, executor, runningBy, batches, refusedRequests }, null, 2)}\n`);
    return EXIT.ok;
  }
  const holder = report.runningBy;
  const running = holder ? `running now: pid ${holder.pid} on ${holder.host} since ${shortTime(holder.since)}` : 'not running';
  const where = path.relative(request.cwd, report.stateDir) || '.';
  request.out(`ensemble ${path.basename(report.file)} (${running}; state in ${where})\n\n`);
  request.out(report.batches.map(formatBatch).join('\n'));
  if (!report.started) request.out('\nno run has started yet\n');
  return EXIT.ok;
}
