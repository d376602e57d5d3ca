/**
 * System tests: every `test/scenarios/<name>.json` runs through the simulator (the real handlers on
 * an embedded store) and its timeline is checked against `<name>.expect.json`:
 * - `inOrder`: records that must appear, in this order (others may come between);
 * - `absent`: records that must not appear;
 * - `final`: the `final` record of each listed installment (matched by loanId and seq);
 * - `count` (optional): `[{ "match": {…}, "count": n }]`, how many records match exactly.
 * An expected record matches when each field it names matches: objects field by field, arrays
 * element by element, strings exactly or `{ "$contains": "…" }`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSimulation, type TimelineRecord } from '../../tools/lib/sim';

const DIR = join(import.meta.dirname, '.');

interface Expectation {
  description?: string;
  inOrder?: Record<string, unknown>[];
  absent?: Record<string, unknown>[];
  final?: Record<string, unknown>[];
  count?: { match: Record<string, unknown>; count: number }[];
}

function matches(actual: unknown, expected: unknown): boolean {
  if (expected !== null && typeof expected === 'object' && !Array.isArray(expected)) {
    const e = expected as Record<string, unknown>;
    if ('$contains' in e) return typeof actual === 'string' && actual.includes(String(e.$contains));
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return false;
    return Object.entries(e).every(([k, v]) => matches((actual as Record<string, unknown>)[k], v));
  }
  if (Array.isArray(expected)) {
    return (
      Array.isArray(actual) &&
      actual.length === expected.length &&
      expected.every((v, i) => matches(actual[i], v))
    );
  }
  return Object.is(actual, expected);
}

const show = (r: unknown) => JSON.stringify(r);

const scenarios = readdirSync(DIR)
  .filter((f) => f.endsWith('.json') && !f.endsWith('.expect.json'))
  .map((f) => f.slice(0, -'.json'.length))
  .sort();

describe('scenarios through the simulator', () => {
  it('has scenarios, each with its expectations', () => {
    expect(scenarios.length).toBeGreaterThan(0);
    for (const name of scenarios) expect(readdirSync(DIR)).toContain(`${name}.expect.json`);
  });

  for (const name of scenarios) {
    const expectation = JSON.parse(readFileSync(join(DIR, `${name}.expect.json`), 'utf8')) as Expectation;
    it(`${name}: ${expectation.description ?? ''}`, async () => {
      // Prepare
      const scenario = JSON.parse(readFileSync(join(DIR, `${name}.json`), 'utf8'));
      // Act
      const { timeline } = await runSimulation(scenario);
      // Assess
      const timed = timeline.filter((r) => r.type !== 'final');
      let from = 0;
      for (const wanted of expectation.inOrder ?? []) {
        const at = timed.findIndex((r, i) => i >= from && matches(r, wanted));
        if (at < 0) {
          const anywhere = timed.find((r) => matches(r, wanted));
          expect.fail(
            `${show(wanted)} ${anywhere ? `appears only before the previous expected record: ${show(anywhere)}` : 'does not appear'}\n` +
              `timeline:\n${timed.map(show).join('\n')}`,
          );
        }
        from = at + 1;
      }
      for (const unwanted of expectation.absent ?? []) {
        const found = timed.find((r) => matches(r, unwanted));
        expect(found, `must not appear: ${show(unwanted)}`).toBeUndefined();
      }
      const finals = timeline.filter(
        (r): r is Extract<TimelineRecord, { type: 'final' }> => r.type === 'final',
      );
      for (const wanted of expectation.final ?? []) {
        const record = finals.find((f) => f.loanId === wanted.loanId && f.seq === wanted.seq);
        expect(record, `final record of ${wanted.loanId}/${wanted.seq}`).toBeDefined();
        expect(record).toMatchObject(wanted);
      }
      for (const { match, count } of expectation.count ?? []) {
        expect(timed.filter((r) => matches(r, match)).length, `count of ${show(match)}`).toBe(count);
      }
      // Every scenario installment has its final record; records are in time order.
      const installments = scenario.installments.length;
      expect(finals.length).toBeGreaterThanOrEqual(installments);
      const instants = timed.map((r) => Date.parse(r.at));
      expect(instants).toEqual([...instants].sort((a, b) => a - b));
    });
  }
});
