import { describe, expect, it } from 'vitest';
import { benchFlags, loadAverages } from './cli.js';

const FLAGS = {
  orders: { default: 6_000_000, min: 1 },
  seed: { default: 1, min: 0 },
  'in-call': { default: 200, min: 0 },
};

describe('benchFlags', () => {
  it('gives the defaults when no flag is passed', () => {
    expect(benchFlags(FLAGS, ['no-http'], [])).toEqual({
      orders: 6_000_000,
      seed: 1,
      'in-call': 200,
      'no-http': false,
    });
  });

  it('reads whole numbers and switches, in either flag form', () => {
    expect(benchFlags(FLAGS, ['no-http'], ['--orders', '20000', '--seed=0', '--no-http'])).toEqual({
      orders: 20_000,
      seed: 0,
      'in-call': 200,
      'no-http': true,
    });
  });

  it.each([
    [['--orders', '0'], '--orders must be an integer >= 1, got "0"'],
    [['--orders', '1e6'], '--orders must be an integer >= 1, got "1e6"'],
    [['--in-call=-3'], '--in-call must be an integer >= 0, got "-3"'],
    [['--seed', '2.5'], '--seed must be an integer >= 0, got "2.5"'],
  ])('refuses %j, naming the flag', (args, message) => {
    expect(() => benchFlags(FLAGS, [], args)).toThrow(message);
  });

  it('refuses a flag the benchmark does not have', () => {
    expect(() => benchFlags(FLAGS, [], ['--order', '5'])).toThrow(/--order/);
  });
});

describe('loadAverages', () => {
  it('gives the three load averages with two decimals', () => {
    expect(loadAverages()).toMatch(/^\d+\.\d\d \d+\.\d\d \d+\.\d\d$/);
  });
});
