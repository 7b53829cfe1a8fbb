import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import fc from 'fast-check';
import { PyDate, PyFloat, formatPythonFloat } from '../../../src/config/values.js';
import { isPyFloat, pyRepr, pyStr } from '../../../src/template/python.js';

const FIXTURES = new URL('../../fixtures/template/', import.meta.url);
const floats = JSON.parse(readFileSync(new URL('floats.json', FIXTURES), 'utf8')) as { floats: [string, string][] };
const reprs = JSON.parse(readFileSync(new URL('reprs.json', FIXTURES), 'utf8')) as { reprs: [string, string][] };

function fromBits(hex: string): number {
  return Buffer.from(hex, 'hex').readDoubleBE(0);
}

describe('template values printed as Python prints them', () => {
  it(`formats all ${floats.floats.length} floats of the table exactly as Python's repr`, () => {
    const wrong = floats.floats.filter(([bits, repr]) => formatPythonFloat(fromBits(bits)) !== repr);
    expect(wrong.map(([bits, repr]) => `${repr} got ${formatPythonFloat(fromBits(bits))}`)).to.deep.equal([]);
  });

  it('prints PyFloat values and non-integral JS numbers as the float table says', () => {
    for (const [bits, repr] of floats.floats) {
      const x = fromBits(bits);
      expect(pyStr(new PyFloat(x))).to.equal(repr);
      if (!Number.isInteger(x)) expect(pyStr(x)).to.equal(repr);
    }
  });

  it(`quotes all ${reprs.reprs.length} strings of the table exactly as Python's repr`, () => {
    const wrong = reprs.reprs.filter(([text, repr]) => pyRepr(text) !== repr);
    expect(wrong.map(([text, repr]) => `${JSON.stringify(text)}: ${repr} got ${pyRepr(text)}`)).to.deep.equal([]);
  });

  it('prints booleans, None, integers and strings as str() does', () => {
    expect([true, false, null, 0, -3, 2 ** 70, 'text', ''].map(pyStr)).to.deep.equal([
      'True', 'False', 'None', '0', '-3', '1180591620717411303424', 'text', '',
    ]);
  });

  it('prints lists and dicts with the repr of their items', () => {
    expect(pyStr(['a', 1, true, null, new PyFloat(2), 0.5])).to.equal("['a', 1, True, None, 2.0, 0.5]");
    expect(pyStr({ a: 1, b: 'x', c: [{}], d: [] })).to.equal("{'a': 1, 'b': 'x', 'c': [{}], 'd': []}");
    expect(pyStr(["it's", 'say "hi"'])).to.equal(`["it's", 'say "hi"']`);
  });

  it('prints dates with str() at top level and repr() inside containers', () => {
    const day = new PyDate({ year: 2020, month: 1, day: 1 });
    const stamp = new PyDate({ year: 2020, month: 1, day: 1, time: { hour: 12, minute: 0, second: 0, microsecond: 0 } });
    const utc = new PyDate({
      year: 2021, month: 2, day: 3, time: { hour: 4, minute: 5, second: 6, microsecond: 7, offsetMinutes: 0 },
    });
    const west = new PyDate({
      year: 2021, month: 2, day: 3, time: { hour: 4, minute: 5, second: 0, microsecond: 0, offsetMinutes: -90 },
    });
    expect(pyStr(day)).to.equal('2020-01-01');
    expect(pyStr(stamp)).to.equal('2020-01-01 12:00:00');
    expect(pyStr([day, stamp, utc, west])).to.equal(
      '[datetime.date(2020, 1, 1), datetime.datetime(2020, 1, 1, 12, 0), ' +
        'datetime.datetime(2021, 2, 3, 4, 5, 6, 7, tzinfo=datetime.timezone.utc), ' +
        'datetime.datetime(2021, 2, 3, 4, 5, tzinfo=datetime.timezone(datetime.timedelta(days=-1, seconds=81000)))]',
    );
  });

  it('prints a list that contains itself as Python does', () => {
    const loop: unknown[] = [1];
    loop.push(loop);
    expect(pyStr(loop)).to.equal('[1, [...]]');
  });

  it('tells floats from integers by type, not by value', () => {
    expect([new PyFloat(2), 2.5, NaN, Infinity, 2, true].map(isPyFloat)).to.deep.equal([true, true, true, true, false, false]);
  });

  it('prints any string unchanged', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (text) => pyStr(text) === text));
  });

  it('formats any finite double so that it reads back as the same double', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => Object.is(Number(formatPythonFloat(x)), x)),
      { numRuns: 2000 },
    );
  });

  it('quotes a string of plain printable characters in single quotes unchanged', () => {
    const plain = fc.string({ unit: fc.constantFrom(...'abcXYZ 019_-+.,;:!?()[]{}<>=/') });
    fc.assert(fc.property(plain, (text) => pyRepr(text) === `'${text}'`));
  });
});
