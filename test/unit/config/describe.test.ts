import { expect } from 'chai';
import { describeSchema, describeValue, suggest } from '../../../src/config/describe.js';
import { PyDate, PyFloat } from '../../../src/config/values.js';

describe('config/describe', () => {
  it('describes the common schema shapes in words', () => {
    expect(describeSchema({ type: 'integer', minimum: 1 })).to.equal('a positive integer');
    expect(describeSchema({ type: 'integer', minimum: 0 })).to.equal('an integer ≥ 0');
    expect(describeSchema({ type: 'number', exclusiveMinimum: 0 })).to.equal('a number > 0');
    expect(describeSchema({ anyOf: [{ type: 'number' }, { type: 'string' }] })).to.equal('a number or a string');
    expect(describeSchema({ anyOf: [{ type: 'array', expected: 'a list of tasks' }, { type: 'null' }] })).to.equal('a list of tasks');
    expect(describeSchema({ anyOf: [{ const: 'A' }, { const: 'B' }] })).to.equal('one of "A", "B"');
  });

  it('shows values as the file wrote them', () => {
    expect(describeValue('ten')).to.equal('"ten"');
    expect(describeValue(new PyFloat(2))).to.equal('2.0');
    expect(describeValue(null)).to.equal('an empty value');
    expect(describeValue(new PyDate({ year: 2020, month: 1, day: 2 }))).to.equal('a date (2020-01-02)');
    expect(describeValue([])).to.equal('an empty list');
    expect(describeValue({ a: 1 })).to.equal('a mapping');
  });

  it('suggests a close word and stays quiet for a distant one', () => {
    expect(suggest('maxrun', ['maxruns', 'maxjobs'])).to.equal(' (did you mean "maxruns"?)');
    expect(suggest('timeout', ['TIMEOUT', 'LOST'])).to.equal(' (did you mean "TIMEOUT"?)');
    expect(suggest('colour', ['maxruns', 'maxjobs'])).to.equal('');
    expect(suggest('x', [])).to.equal('');
  });
});
