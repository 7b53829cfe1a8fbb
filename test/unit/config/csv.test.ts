import { expect } from 'chai';
import { parseCsv } from '../../../src/config/csv.js';

/** The rows as [line, ...field texts], a quoted field marked with quotes. */
function rows(text: string): unknown[] {
  const parsed = parseCsv(text);
  if (parsed.error) expect.fail(`${parsed.error.line}: ${parsed.error.message}`);
  return parsed.rows.map((row) => [row.line, ...row.fields.map((field) => (field.quoted ? `"${field.text}"` : field.text))]);
}

describe('config/csv', () => {
  it('splits rows at newlines and fields at commas, trimming unquoted fields', () => {
    expect(rows('a,b\n1, 2\n3 ,4\n')).to.deep.equal([
      [1, 'a', 'b'],
      [2, '1', '2'],
      [3, '3', '4'],
    ]);
  });

  it('reads quoted fields with commas, newlines and doubled quotes, keeping the line each row starts on', () => {
    expect(rows('a,b\n"x, y","say ""hi"""\n"two\nlines",z\nlast,1')).to.deep.equal([
      [1, 'a', 'b'],
      [2, '"x, y"', '"say "hi""'],
      [3, '"two\nlines"', 'z'],
      [5, 'last', '1'],
    ]);
  });

  it('skips blank lines, a byte-order mark and carriage returns', () => {
    expect(rows('\uFEFFa,b\r\n\r\n1,2\r\n\n')).to.deep.equal([
      [1, 'a', 'b'],
      [3, '1', '2'],
    ]);
  });

  it('keeps empty fields', () => {
    expect(rows('a,b,c\n,,\n')).to.deep.equal([
      [1, 'a', 'b', 'c'],
      [2, '', '', ''],
    ]);
  });

  it('reports an unclosed quote at the line it opens, and keeps the rows before it', () => {
    const parsed = parseCsv('a,b\n1,2\n"3,4\n5,6\n');
    expect(parsed.rows).to.have.length(2);
    expect(parsed.error).to.deep.equal({ line: 3, message: 'a quoted field is not closed: a " is missing' });
  });

  it('refuses a quote inside an unquoted field and text after a closing quote', () => {
    expect(parseCsv('a\nx"y\n').error?.line).to.equal(2);
    expect(parseCsv('a\n"x"y\n').error?.message).to.match(/unexpected text after a quoted field/);
  });
});
