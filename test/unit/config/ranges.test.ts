import { expect } from 'chai';
import fc from 'fast-check';
import { expandRange, type RangeSpec, type RangeValues } from '../../../src/config/ranges.js';
import { PyFloat } from '../../../src/config/values.js';

const f = (x: number): PyFloat => new PyFloat(x);

/** The values of a range that must have some, as templates print them. */
function printed(spec: RangeSpec): string[] {
  const range = expandRange(spec);
  if (typeof range === 'string') expect.fail(range);
  const values = range.values();
  expect(values).to.have.length(range.size);
  return values.map(String);
}

describe('config/ranges', () => {
  it('keeps a range of integers integers, as Python\'s range does', () => {
    expect(expandRange({ start: 0, stop: 5 }) as RangeValues).to.include({ size: 5 });
    expect((expandRange({ start: 0, stop: 5 }) as RangeValues).values()).to.deep.equal([0, 1, 2, 3, 4]);
    expect(printed({ start: 10, stop: 0, step: -3 })).to.deep.equal(['10', '7', '4', '1']);
    expect(printed({ stop: 3 })).to.deep.equal(['0', '1', '2']);
  });

  it('has as many integers as Python\'s range for any start, stop and step', () => {
    fc.assert(
      fc.property(fc.integer({ min: -50, max: 50 }), fc.integer({ min: -50, max: 50 }), fc.integer({ min: -7, max: 7 }).filter((s) => s !== 0), (start, stop, step) => {
        const expected: number[] = [];
        for (let v = start; step > 0 ? v < stop : v > stop; v += step) expected.push(v);
        const range = expandRange({ start, stop, step });
        return expected.length === 0 ? typeof range === 'string' : typeof range !== 'string' && JSON.stringify(range.values()) === JSON.stringify(expected);
      }),
    );
  });

  it('computes float ranges as Python\'s start + i * step and prints them as Python does', () => {
    // Each expectation is Python's [repr(start + i * step) for i in range(n)].
    expect(printed({ start: 0, stop: 1, step: f(0.25) })).to.deep.equal(['0.0', '0.25', '0.5', '0.75']);
    expect(printed({ start: 0, stop: 1, step: f(0.1) })).to.deep.equal(['0.0', '0.1', '0.2', '0.30000000000000004', '0.4', '0.5', '0.6000000000000001', '0.7000000000000001', '0.8', '0.9']);
    expect(printed({ start: f(-32.768), stop: f(32.768), step: f(8.192) })).to.deep.equal(['-32.768', '-24.576', '-16.384', '-8.192', '0.0', '8.192', '16.384', '24.576']);
    expect(printed({ start: f(1.0), stop: 0, step: f(-0.25) })).to.deep.equal(['1.0', '0.75', '0.5', '0.25']);
  });

  it('excludes stop even where rounding carries the last value onto it, and steps by the step as written', () => {
    // NumPy's arange(1, 1.3, 0.1) is [1.0, 1.1, 1.2000000000000002, 1.3000000000000003]: its count is
    // ceil(0.3 / 0.1) = 4 and it steps by (1 + 0.1) - 1. Python's 1 + i * 0.1 gives these.
    expect(printed({ start: f(1), stop: f(1.3), step: f(0.1) })).to.deep.equal(['1.0', '1.1', '1.2']);
  });

  it('makes a float range when any of start, stop and step is a float', () => {
    expect(printed({ start: 0, stop: f(3.0) })).to.deep.equal(['0.0', '1.0', '2.0']);
    expect((expandRange({ start: 0, stop: f(3.0) }) as RangeValues).values().every((v) => v instanceof PyFloat)).to.equal(true);
  });

  it('spaces linspace values as NumPy does, both ends included and always floats', () => {
    // NumPy 2.4: [repr(float(x)) for x in numpy.linspace(start, stop, num)].
    expect(printed({ linspace: [0, 1, 5] })).to.deep.equal(['0.0', '0.25', '0.5', '0.75', '1.0']);
    expect(printed({ linspace: [0, 1, 11] })).to.deep.equal(['0.0', '0.1', '0.2', '0.30000000000000004', '0.4', '0.5', '0.6000000000000001', '0.7000000000000001', '0.8', '0.9', '1.0']);
    expect(printed({ linspace: [f(-32.768), f(32.768), 7] })).to.deep.equal(['-32.768', '-21.845333333333336', '-10.922666666666668', '0.0', '10.922666666666665', '21.84533333333333', '32.768']);
    expect(printed({ linspace: [f(0.1), f(0.7), 4] })).to.deep.equal(['0.1', '0.3', '0.5', '0.7']);
    expect(printed({ linspace: [2, 3, 1] })).to.deep.equal(['2.0']);
  });

  it('knows a range\'s size before making its values', () => {
    const range = expandRange({ start: 0, stop: 1e12 }) as RangeValues;
    expect(range.size).to.equal(1e12);
  });

  it('says what is wrong with a range that cannot give values', () => {
    expect(expandRange({ start: 0, stop: 1, step: 0 })).to.equal('step must not be 0');
    expect(expandRange({ start: 1, stop: 1 })).to.match(/^this range has no values \(start 1, stop 1, step 1; stop is excluded\)$/);
    expect(expandRange({ start: 0, step: 1 })).to.match(/a range needs stop/);
    expect(expandRange({ linspace: [0, 1, 3], step: 1 })).to.match(/either \{linspace/);
    expect(expandRange({ linspace: [0, 1, 0] })).to.match(/num a positive integer/);
  });
});
