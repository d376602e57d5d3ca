/** The report's keys of the operator configuration: defaults, and problems named by their path. */
import { describe, expect, it } from 'vitest';
import defaultJson from '../../config/default.json';
import { type ConfigProblem, deepMerge, validateConfig } from '../../shared/config/load';

function problemsWith(override: unknown): ConfigProblem[] {
  const result = validateConfig(deepMerge(defaultJson, override));
  return result.ok ? [] : result.problems;
}

describe('report configuration', () => {
  it('defaults: ¥0.05 per SMS part; early warning over 28 days, at least 7, 3 sigmas, 3 failed debits', () => {
    // Act
    const result = validateConfig(defaultJson);
    // Assess
    expect(result.ok && result.config.report).toEqual({
      smsPricePerPartFen: 5,
      earlyWarning: { baselineDays: 28, minBaselineDays: 7, sigmas: 3, minFailedDebits: 3 },
    });
  });

  it.each<[string, unknown, string, RegExp]>([
    [
      'a negative SMS price',
      { report: { smsPricePerPartFen: -1 } },
      'report.smsPricePerPartFen',
      /at least 0/,
    ],
    [
      'a fractional SMS price (money is whole fen)',
      { report: { smsPricePerPartFen: 4.5 } },
      'report.smsPricePerPartFen',
      /whole number/,
    ],
    ['a price as a string', { report: { smsPricePerPartFen: '5' } }, 'report.smsPricePerPartFen', /number/],
    [
      'an unknown key',
      { report: { smsPricePerPart: 5 } },
      'report.smsPricePerPart',
      /unknown key \(expected one of: smsPricePerPartFen, earlyWarning\)/,
    ],
    ['zero sigmas', { report: { earlyWarning: { sigmas: 0 } } }, 'report.earlyWarning.sigmas', /more than 0/],
    [
      'a minimum baseline longer than the baseline',
      { report: { earlyWarning: { baselineDays: 5 } } },
      'report.earlyWarning.minBaselineDays',
      /at most report\.earlyWarning\.baselineDays \(5\)/,
    ],
  ])('names the path of %s', (_name, override, path, message) => {
    // Act
    const problems = problemsWith(override);
    // Assess
    expect(problems).toContainEqual({ path, message: expect.stringMatching(message) });
  });

  it('is required, like every section', () => {
    const { report: _report, ...rest } = defaultJson;
    const result = validateConfig(rest);
    expect(result.ok ? [] : result.problems.map((p) => p.path)).toContain('report');
  });
});
