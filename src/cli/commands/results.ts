// `model_ensemble results <configuration> [--csv | --json] [--batch name]`: one row per run with its parameters and
// results, as an aligned table, CSV (quoted as RFC 4180 says, lines ended by \n) or a JSON list of flat records (`pandas.read_csv`/`read_json`, R's
// `read.csv`). Read-only: it reads the journal, never takes the lock.
import { readResults, type ResultCell } from '../../engine/results.js';
import { EXIT } from '../exit.js';
import { formatTable } from './status.js';

export interface ResultsRequest {
  readonly config: string;
  readonly stateDir: string | undefined;
  readonly format: 'table' | 'csv' | 'json';
  readonly batches: readonly string[];
  readonly cwd: string;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

/** A cell as text: lists as JSON, a YAML float or date as Python prints it, a missing value as nothing. */
function cellText(value: ResultCell | undefined): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return JSON.stringify(value);
  return String(value);
}

/** A CSV field, quoted when it holds a comma, a quote, a line break or edge spaces. */
function csvField(text: string): string {
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Prints the results; resolves with the exit code. */
export async function resultsCommand(request: ResultsRequest): Promise<number> {
  const table = await readResults(request.config, { cwd: request.cwd, stateDir: request.stateDir, batches: request.batches });
  if (table.configProblem !== undefined) {
    request.err(`model_ensemble results: the configuration cannot be read (${table.configProblem}); showing the runs the journal knows\n`);
  }
  if (table.ownerProblem !== undefined) request.err(`model_ensemble results: ${table.ownerProblem}; showing what it holds\n`);
  const unknown = request.batches.filter((name) => !table.rows.some((row) => row.batch === name));
  if (unknown.length > 0) request.err(`model_ensemble results: no runs of batch ${unknown.join(', ')}\n`);
  const cells = (row: Readonly<Record<string, ResultCell>>): string[] => table.columns.map((column) => cellText(row[column]));
  if (request.format === 'json') {
    request.out(`${JSON.stringify(table.rows, null, 2)}\n`);
  } else if (request.format === 'csv') {
    const lines = [table.columns, ...table.rows.map(cells)].map((fields) => fields.map(csvField).join(','));
    request.out(`${lines.join('\n')}\n`);
  } else {
    request.out(`${formatTable(table.columns, table.rows.map(cells))}\n`);
  }
  return EXIT.ok;
}
