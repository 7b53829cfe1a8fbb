import { expect } from 'chai';
import { parseExtraVar, prepareArgs } from '../../../src/cli/argv.js';

describe('command-line words', () => {
  it('rewrites model-ensembler two-letter flags to long ones, never as two short flags', () => {
    const { words } = prepareArgs(['-ct', '5', '-st=2', '-rt', '1', '-et', '3', '-ms', '0', 'c.yaml'], []);
    expect(words).to.deep.equal(['--check-timeout', '5', '--submit-timeout=2', '--running-timeout', '1', '--error-timeout', '3', '--max-stagger', '0', 'c.yaml']);
  });

  it('takes -x pairs up to the first word without "=", before or after the positionals', () => {
    const before = prepareArgs(['-x', 'a=1', 'b=x=y', 'c.yaml', 'dummy'], []);
    expect(before.extraVars).to.deep.equal({ a: '1', b: 'x=y' });
    expect(before.words).to.deep.equal(['c.yaml', 'dummy']);
    const after = prepareArgs(['c.yaml', 'dummy', '--extra-vars', 'a=2', '-v'], []);
    expect(after.extraVars).to.deep.equal({ a: '2' });
    expect(after.words).to.deep.equal(['c.yaml', 'dummy', '-v']);
  });

  it('refuses an -x word without a value, as model-ensembler does', () => {
    expect(() => parseExtraVar('a=')).to.throw(/not name=value/);
    expect(() => prepareArgs(['-x', '=b'], [])).to.throw(/not name=value/);
  });

  it('finds a sub-command as the first positional, options before or after it', () => {
    const found = prepareArgs(['--state-dir', 'status', 'status', 'c.yaml', '--json'], ['status']);
    expect(found.subcommand).to.equal('status');
    expect(found.words).to.deep.equal(['--state-dir', 'status', 'c.yaml', '--json']);
    expect(prepareArgs(['./status'], ['status']).subcommand).to.equal(undefined);
    expect(prepareArgs(['c.yaml', 'status'], ['status']).subcommand).to.equal(undefined);
  });
});
