// CSV text as rows of fields, for `sweep: {csv: params.csv}` (RFC 4180: fields separated by commas, a field in double
// quotes may hold commas, newlines and doubled quotes `""`). Each row keeps the line it starts on, for messages, and
// each field whether it was quoted: a quoted field stays text, as a quoted YAML scalar does.

/** One field: its text (quotes removed), and whether it was written in quotes. */
export interface CsvField {
  readonly text: string;
  readonly quoted: boolean;
}

/** One row, and the 1-based line it starts on. */
export interface CsvRow {
  readonly line: number;
  readonly fields: readonly CsvField[];
}

/** A CSV text's rows (blank lines skipped) up to its first syntax error, if it has one. */
export interface CsvParse {
  readonly rows: CsvRow[];
  readonly error?: { readonly line: number; readonly message: string };
}

/** Splits CSV text into rows; a byte-order mark is ignored, `\r\n` ends a line as `\n` does. */
export function parseCsv(text: string): CsvParse {
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const rows: CsvRow[] = [];
  let line = 1;
  let i = 0;
  while (i < source.length) {
    const rowLine = line;
    const fields: CsvField[] = [];
    let ended = false;
    while (!ended) {
      let field: CsvField;
      if (source[i] === '"') {
        const opened = line;
        let textOut = '';
        i++;
        for (;;) {
          if (i >= source.length) return { rows, error: { line: opened, message: 'a quoted field is not closed: a " is missing' } };
          const char = source[i]!;
          if (char === '"' && source[i + 1] === '"') {
            textOut += '"';
            i += 2;
          } else if (char === '"') {
            i++;
            break;
          } else {
            if (char === '\n') line++;
            textOut += char;
            i++;
          }
        }
        field = { text: textOut, quoted: true };
        while (source[i] === ' ' || source[i] === '\t') i++;
        if (i < source.length && !',\r\n'.includes(source[i]!)) return { rows, error: { line, message: 'unexpected text after a quoted field; a field with quotes in it is quoted whole, its quotes doubled ("")' } };
      } else {
        let end = i;
        while (end < source.length && !',\r\n'.includes(source[end]!)) end++;
        const raw = source.slice(i, end);
        if (raw.includes('"')) return { rows, error: { line, message: 'a " inside an unquoted field; quote the whole field and double the quote ("")' } };
        field = { text: raw.trim(), quoted: false };
        i = end;
      }
      fields.push(field);
      if (source[i] === ',') {
        i++;
      } else {
        if (source[i] === '\r') i++;
        if (source[i] === '\n') i++;
        line++;
        ended = true;
      }
    }
    const blank = fields.length === 1 && !fields[0]!.quoted && fields[0]!.text === '';
    if (!blank) rows.push({ line: rowLine, fields });
  }
  return { rows };
}
