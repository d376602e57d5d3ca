import { describe, expect, it } from 'vitest';
import {
  borrowerKey,
  capKey,
  claimKey,
  installmentKey,
  jobIndexAttributes,
  jobPartitionKey,
  jobSortKey,
  shardOf,
} from '../../functions/adapters/dynamodb/keys';

describe('keys', () => {
  it('builds the documented key formats', () => {
    expect(installmentKey('L1', '3.2')).toEqual({ PK: 'LOAN#L1', SK: 'INST#3.2' });
    expect(borrowerKey('B1')).toEqual({ PK: 'BORROWER#B1', SK: 'PROFILE' });
    expect(capKey('B1', '2026-12-10')).toEqual({ PK: 'BORROWER#B1', SK: 'CAP#2026-12-10' });
    expect(
      claimKey({ loanId: 'L1', seq: '2', kind: 'InstallmentOverdue', occurrence: '2026-12-10' }),
    ).toEqual({
      PK: 'LOAN#L1',
      SK: 'CLAIM#2#InstallmentOverdue#2026-12-10',
    });
    expect(jobPartitionKey('failedDebits', '2026-12-10', 7)).toBe('FAILED_DEBITS#2026-12-10#7');
  });

  it('shardOf is stable, in range, and spreads borrowers over the shards', () => {
    expect(shardOf('B-42', 16)).toBe(shardOf('B-42', 16));
    const counts = new Array(8).fill(0);
    for (let i = 0; i < 8000; i++) {
      const shard = shardOf(`borrower-${i}`, 8);
      expect(shard).toBeGreaterThanOrEqual(0);
      expect(shard).toBeLessThan(8);
      counts[shard]++;
    }
    for (const c of counts) expect(c).toBeGreaterThan(800);
    expect(shardOf('anything', 1)).toBe(0);
    expect(() => shardOf('x', 0)).toThrow(RangeError);
  });

  it('escapes # in ids so that one borrower sorts as one contiguous range', () => {
    const keys = [
      jobSortKey('a', 'L1', '1'),
      jobSortKey('a#M', 'L2', '1'), // another borrower whose id starts like "a#"
      jobSortKey('a', 'N1', '1'),
    ].sort();
    const owners = keys.map((k) => (k.startsWith('a#M') || k.startsWith('a%23M') ? 'other' : 'a'));
    expect(owners.join(',')).not.toMatch(/a,other,a/);
    expect(jobSortKey('a#M', 'L%2', '1')).toBe('a%23M#L%252#1');
  });

  it('writes index attributes only for jobs with a next date (sparse)', () => {
    const attrs = jobIndexAttributes(
      { borrowerId: 'B1', loanId: 'L1', seq: '1' },
      { aging: '2026-12-11', reminders: null, failedDebits: null },
      4,
    );
    expect(attrs).toEqual({
      agingPK: `AGING#2026-12-11#${shardOf('B1', 4)}`,
      agingSK: 'B1#L1#1',
    });
  });
});
