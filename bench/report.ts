// The benchmark's output: a plain table on the terminal, and bench/RESULTS.md with the machine, the date, the
// commands and the figures. The part of RESULTS.md below NOTES_MARK is written by hand (what was changed and what
// it gained) and is kept as it is when the figures are written again.
import fs from 'node:fs';
import { formatNumber, formatSpread } from './stats.js';
import { isMet, type ScenarioResult, type Target } from './types.js';

/** Below this line RESULTS.md is prose kept across runs. */
export const NOTES_MARK = '<!-- Written by hand below this line; `npm run bench` keeps it. -->';

function describeTarget(target: Target, judged: boolean): string {
  const measured = `${formatNumber(target.measured, target.digits)} ${target.unit}`;
  if (!judged) return `${target.label}: ${measured} (not judged in --quick)`;
  return `${target.label}: ${measured} — ${isMet(target) ? 'met' : 'NOT MET'}`;
}

/** The terminal table of one scenario. */
export function formatScenario(result: ScenarioResult, judged: boolean): string {
  const lines = [`${result.title} — ${result.size}`];
  if (result.skipped) return `${lines[0]}\n  skipped: ${result.skipped}\n`;
  const width = Math.max(...result.figures.map((f) => f.label.length));
  for (const figure of result.figures) {
    lines.push(`  ${figure.label.padEnd(width)}  ${formatSpread(figure.values, figure.digits)} ${figure.unit}`);
  }
  for (const target of result.targets) lines.push(`  target ${describeTarget(target, judged)}`);
  for (const note of result.notes) lines.push(`  note: ${note}`);
  return `${lines.join('\n')}\n`;
}

/** The Markdown section of one scenario. */
function markdownScenario(result: ScenarioResult): string {
  const lines = [`### ${result.title}`, '', result.size, ''];
  if (result.skipped) return [...lines, `Skipped: ${result.skipped}`, ''].join('\n');
  lines.push('```sh', ...result.commands, '```', '', '| figure | median (min–max) |', '| --- | --- |');
  for (const figure of result.figures) lines.push(`| ${figure.label} | ${formatSpread(figure.values, figure.digits)} ${figure.unit} |`);
  if (result.targets.length > 0) lines.push('', '| target | measured | |', '| --- | --- | --- |');
  for (const target of result.targets) {
    lines.push(`| ${target.label} | ${formatNumber(target.measured, target.digits)} ${target.unit} | ${isMet(target) ? 'met' : '**not met**'} |`);
  }
  if (result.notes.length > 0) lines.push('', ...result.notes.map((note) => `- ${note}`));
  lines.push('');
  return lines.join('\n');
}

/** Writes RESULTS.md: figures generated now, hand-written notes kept from the file as it was. */
export function writeResults(file: string, machine: readonly string[], command: string, results: readonly ScenarioResult[]): void {
  const previous = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const at = previous.indexOf(NOTES_MARK);
  const notes = at >= 0 ? previous.slice(at) : `${NOTES_MARK}\n`;
  const text = [
    '# Benchmark results',
    '',
    `Written by \`${command}\` (which generates the files under bench/work/ that the commands below name).`,
    'Each figure is the median of the repetitions, with min–max beside it; every repetition runs model_ensemble and',
    'its floor one after the other, so a ratio compares like with like on a noisy machine.',
    '',
    ...machine.map((line) => `- ${line}`),
    '',
    '## Figures',
    '',
    ...results.map(markdownScenario),
    notes.trimEnd(),
    '',
  ].join('\n');
  fs.writeFileSync(file, text);
}
