import { describe, expect, it } from 'vitest';
import { heartbeatHours } from '../../infra/constructs/observability';
import { dailyFireMinutes, longestSilenceMinutes, MAX_SILENCE_MINUTES } from '../../infra/schedule-gap';

describe('schedule gaps (the "job did not run" window)', () => {
  it('reads the fire times of a daily cron, lists and steps included', () => {
    expect(dailyFireMinutes('cron(30 0 * * ? *)')).toEqual([30]);
    expect(dailyFireMinutes('cron(0 10,16 * * ? *)')).toEqual([600, 960]);
    expect(dailyFireMinutes('cron(0/30 9-10 * * ? *)')).toEqual([540, 570, 600, 630]);
  });

  it('reads an every-day schedule however it is spelled (full ranges, names, `?` on either day field)', () => {
    expect(dailyFireMinutes('cron(0 9 ? * SUN-SAT *)')).toEqual([540]);
    expect(dailyFireMinutes('cron(0 9 1-31 JAN-DEC ? 1970-2199)')).toEqual([540]);
  });

  it('does not claim to read a weekly or monthly cron', () => {
    expect(dailyFireMinutes('cron(0 9 ? * MON-FRI *)')).toBeNull();
    expect(dailyFireMinutes('cron(0 9 1 * ? *)')).toBeNull();
    expect(dailyFireMinutes('cron(0 9 * * ? 2027)')).toBeNull();
    expect(dailyFireMinutes('rate(1 day)')).toBeNull();
  });

  it("takes the longest gap across all of a job's expressions, around midnight too", () => {
    expect(longestSilenceMinutes(['cron(30 0 * * ? *)'])).toBe(24 * 60);
    expect(longestSilenceMinutes(['cron(0 10 * * ? *)', 'cron(0 16 * * ? *)'])).toBe(18 * 60);
    expect(longestSilenceMinutes(['cron(0 23 * * ? *)', 'cron(0 1 * * ? *)'])).toBe(22 * 60);
  });

  it('bounds anything it cannot read by a week, the longest window an alarm can evaluate', () => {
    expect(longestSilenceMinutes(['cron(0 9 ? * MON-FRI *)'])).toBe(MAX_SILENCE_MINUTES);
    expect(heartbeatHours(['cron(0 9 ? * MON-FRI *)'])).toBe(168);
  });

  it('alarms one hour after the longest gap (Scheduler retries for up to an hour)', () => {
    expect(heartbeatHours(['cron(30 0 * * ? *)'])).toBe(25);
    expect(heartbeatHours(['cron(0 10 * * ? *)', 'cron(0 16 * * ? *)'])).toBe(19);
  });
});
