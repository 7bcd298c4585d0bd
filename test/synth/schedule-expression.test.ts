/** checkScheduleExpression: the shapes EventBridge Scheduler accepts for recurring schedules. */
import { describe, expect, it } from 'vitest';
import { checkScheduleExpression } from '../../lib/cdk/schedule.js';

const CRON_EXAMPLE = "e.g. 'cron(0 6 * * ? *)' for 06:00 every day";
const RATE_EXAMPLE = "e.g. 'rate(1 hour)' or 'rate(15 minutes)'";

describe('checkScheduleExpression', () => {
  it.each([
    'cron(0 6 * * ? *)',
    'cron(15 10 ? * 6L 2030-2035)',
    'cron(0/15 * * * ? *)',
    'cron(0 8 1 * ? *)',
    'cron(0 18 ? * MON-FRI *)',
    'cron(0 10 ? * 2#3 *)',
    'cron(5,35 14 L * ? *)',
    'cron(0 0 3W JAN,JUL ? *)',
    'rate(1 minute)',
    'rate(5 minutes)',
    'rate(1 hour)',
    'rate(12 hours)',
    'rate(1 day)',
    'rate(7 days)',
  ])('accepts %s', (expression) => {
    expect(checkScheduleExpression(expression)).toBeUndefined();
  });

  it.each([
    [42, `must be a cron(...) or rate(...) string, got 42; ${CRON_EXAMPLE}`],
    ['daily', `must be cron(minutes hours day-of-month month day-of-week year) or rate(value unit), got "daily"; ${CRON_EXAMPLE}, ${RATE_EXAMPLE}`],
    ['0 6 * * ? *', `must be cron(minutes hours day-of-month month day-of-week year) or rate(value unit), got "0 6 * * ? *"; ${CRON_EXAMPLE}, ${RATE_EXAMPLE}`],
    ['cron(0 6 * * *)', `must have 6 fields, cron(minutes hours day-of-month month day-of-week year), got 5 in "cron(0 6 * * *)"; ${CRON_EXAMPLE}`],
    ['cron(0 6 * * * *)', `must have '?' in exactly one of day-of-month and day-of-week, got "*" and "*" in "cron(0 6 * * * *)"; ${CRON_EXAMPLE}`],
    ['cron(0 6 ? * ? *)', `must have '?' in exactly one of day-of-month and day-of-week, got "?" and "?" in "cron(0 6 ? * ? *)"; ${CRON_EXAMPLE}`],
    ['cron(0 24 * * ? *)', `has hours 24 out of range 0-23 in "cron(0 24 * * ? *)"; ${CRON_EXAMPLE}`],
    ['cron(60 6 * * ? *)', `has minutes 60 out of range 0-59 in "cron(60 6 * * ? *)"; ${CRON_EXAMPLE}`],
    ['cron(0 6 * 13 ? *)', `has month 13 out of range 1-12 in "cron(0 6 * 13 ? *)"; ${CRON_EXAMPLE}`],
    ['cron(0 6 ? * 8 *)', `has day-of-week 8 out of range 1-7 in "cron(0 6 ? * 8 *)"; ${CRON_EXAMPLE}`],
    ['cron(0 six * * ? *)', `has an invalid hours field "six" in "cron(0 six * * ? *)"; use numbers 0-23 with , - * / as EventBridge Scheduler allows, ${CRON_EXAMPLE}`],
    ['rate(0 minutes)', `must have a rate value of at least 1, got "rate(0 minutes)"; ${RATE_EXAMPLE}`],
    ['rate(1 hours)', 'must use a singular unit for 1, got "rate(1 hours)"; write rate(1 hour)'],
    ['rate(5 minute)', 'must use a plural unit for 5, got "rate(5 minute)"; write rate(5 minutes)'],
    ['rate(30 seconds)', `must be rate(value unit) with a whole number and minute(s), hour(s) or day(s), got "rate(30 seconds)"; ${RATE_EXAMPLE}`],
    ['rate(1.5 hours)', `must be rate(value unit) with a whole number and minute(s), hour(s) or day(s), got "rate(1.5 hours)"; ${RATE_EXAMPLE}`],
    [
      'at(2030-01-01T06:00:00)',
      `must be a recurring cron(...) or rate(...) expression, got the one-time "at(2030-01-01T06:00:00)"; start one-off runs with StartExecution instead, or use ${CRON_EXAMPLE}`,
    ],
  ])('fails when the expression is %j', (expression, problem) => {
    expect(checkScheduleExpression(expression)).toBe(problem);
  });
});
