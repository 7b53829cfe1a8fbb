// The runs a sweep reads from a file beside the configuration: `csv: params.csv` (a header of names, one run per
// row, each field read as a YAML 1.1 scalar as PyYAML would read it in the configuration: `1.0` a float, `yes` true,
// an empty field null; a quoted field stays text) or `yaml: params.yaml` (a list of mappings, one run each). A file
// that is missing or has a bad row is a configuration error naming the file and the row's line.
import fs from 'node:fs/promises';
import type { Problem, Where } from '../errors.js';
import { parseCsv } from './csv.js';
import { isMapping } from './plain.js';
import { resolvePlainScalar } from './yaml11-tags.js';
import { parseYaml11 } from './yaml11.js';

/** A run's values from one row: its keys and values in the row's order. */
export type Level = readonly (readonly [string, unknown])[];

/** The rows of a sweep file, as the runs they make. */
export interface FileRows {
  readonly levels: Level[];
  /** Every key the rows use, each with the place of the first row using it (for messages about clashes). */
  readonly keys: ReadonlyMap<string, Where>;
}

/** The largest sweep file read, as for the configuration itself. */
const MAX_FILE_BYTES = 32 * 1024 * 1024;
/** The most problems reported for one file: the first few show what is wrong with all. */
const MAX_PROBLEMS = 10;

/** Reads a sweep file: `file` its absolute path, `shown` its name in messages, `at` where the configuration names it. */
export async function readSweepFile(kind: 'csv' | 'yaml', file: string, shown: string, at: Where): Promise<FileRows | Problem[]> {
  let text: string;
  try {
    const stat = await fs.stat(file);
    if (!stat.isFile()) return [{ where: at, message: `${shown} is not a file; give the ${kind} file of the sweep's runs` }];
    if (stat.size > MAX_FILE_BYTES) return [{ where: at, message: `${shown} is ${Math.round(stat.size / 1024 / 1024)} MB; a sweep file is at most ${MAX_FILE_BYTES / 1024 / 1024} MB` }];
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    const message = missing
      ? `${kind} file ${shown} not found; the path is relative to the configuration file's folder`
      : `cannot read ${shown}: ${(error as Error).message}`;
    return [{ where: at, message }];
  }
  // A problem inside the file is placed in it, and names the key that reads it (which batch's sweep).
  const inFile = (problem: Problem): Problem => ({ ...problem, where: { ...problem.where, ...(at.key ? { key: at.key } : {}) } });
  const rows = kind === 'csv' ? readCsvRows(text, shown) : readYamlRows(text, shown);
  return Array.isArray(rows) ? rows.map(inFile) : rows;
}

/** The runs of a CSV text: the first row names the keys. */
export function readCsvRows(text: string, shown: string): FileRows | Problem[] {
  const parsed = parseCsv(text);
  const [header, ...rows] = parsed.rows;
  const problems: Problem[] = [];
  const syntax = parsed.error ? [{ where: { file: shown, line: parsed.error.line }, message: parsed.error.message }] : [];
  if (!header) return syntax.length > 0 ? syntax : [{ where: { file: shown, line: 1 }, message: 'the file is empty; its first row names the values (alpha,beta), each further row is one run' }];
  const names = header.fields.map((field) => field.text);
  const seen = new Set<string>();
  names.forEach((name, index) => {
    if (name === '') problems.push({ where: { file: shown, line: header.line }, message: `column ${index + 1} of the header has no name` });
    else if (seen.has(name)) problems.push({ where: { file: shown, line: header.line }, message: `the header names "${name}" twice` });
    seen.add(name);
  });
  if (rows.length === 0 && syntax.length === 0) problems.push({ where: { file: shown, line: header.line }, message: 'the file has a header but no rows: each row after the header is one run' });
  const levels: Level[] = [];
  for (const [index, row] of rows.entries()) {
    if (problems.length >= MAX_PROBLEMS) break;
    const where = { file: shown, line: row.line };
    if (row.fields.length !== names.length) {
      problems.push({ where, message: `row ${index + 1} has ${row.fields.length} field(s), the header names ${names.length}` });
      continue;
    }
    const level: [string, unknown][] = [];
    for (const [column, field] of row.fields.entries()) {
      const value = field.quoted ? { value: field.text } : resolvePlainScalar(field.text);
      if (value === undefined) {
        problems.push({ where, message: `row ${index + 1}, column "${names[column]}": ${JSON.stringify(field.text)} is not a value PyYAML can read (quote it to keep it as text)` });
        break;
      }
      level.push([names[column]!, value.value]);
    }
    levels.push(level);
  }
  problems.push(...syntax);
  if (problems.length > 0) return problems;
  const keys = new Map(names.map((name) => [name, { file: shown, line: header.line } as Where]));
  return { levels, keys };
}

/** The runs of a YAML text holding a list of mappings. */
export function readYamlRows(text: string, shown: string): FileRows | Problem[] {
  const read = parseYaml11(text, shown, { fastRunsMin: Infinity });
  if (read.problems.length > 0) return [...read.problems];
  const value = read.value;
  if (!Array.isArray(value) || value.length === 0) {
    return [{ where: { file: shown, line: 1, col: 1 }, message: 'expected a list of mappings, one per run (- {alpha: 0.1, beta: 1})' }];
  }
  const problems: Problem[] = [];
  const levels: Level[] = [];
  const keys = new Map<string, Where>();
  value.forEach((entry: unknown, index) => {
    const where = read.positions.where([index]);
    if (!isMapping(entry)) {
      if (problems.length < MAX_PROBLEMS) problems.push({ where, message: 'expected a mapping of run values (alpha: 0.1), one per run' });
      return;
    }
    const level = Object.entries(entry);
    for (const [key] of level) if (!keys.has(key)) keys.set(key, where);
    levels.push(level);
  });
  return problems.length > 0 ? problems : { levels, keys };
}
