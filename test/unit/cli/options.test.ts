import { expect } from 'chai';
import { Command } from 'commander';
import { addRunOptions, parseRate, readRunOptions } from '../../../src/cli/options.js';

/** The run options commander reads from `args`. */
function parse(args: string[]): ReturnType<typeof readRunOptions> {
  const command = addRunOptions(new Command()).exitOverride();
  command.parse(args, { from: 'user' });
  return readRunOptions(command.opts());
}

describe('cli/options', () => {
  it('reads --submit-rate as jobs per second, and leaves it to the executor when absent', () => {
    expect(parse(['--submit-rate', '2.5']).submitRate).to.equal(2.5);
    expect(parse(['--submit-rate', '0']).submitRate).to.equal(0);
    expect(parse([]).submitRate).to.equal(undefined);
  });

  it('refuses a negative or non-numeric submission rate', () => {
    expect(() => parseRate('-1')).to.throw(/jobs per second/);
    expect(() => parseRate('fast')).to.throw(/jobs per second/);
  });
});
