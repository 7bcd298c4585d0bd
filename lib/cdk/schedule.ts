import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { describeValue } from '../errors.js';
import type { JobScheduleProps } from './job-state-machine-props.js';

const CRON_EXAMPLE = "e.g. 'cron(0 6 * * ? *)' for 06:00 every day";
const RATE_EXAMPLE = "e.g. 'rate(1 hour)' or 'rate(15 minutes)'";

interface CronField {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  /** Characters allowed besides digits. */
  readonly pattern: RegExp;
}

// EventBridge Scheduler cron fields (Scheduler user guide, "Cron-based schedules").
const CRON_FIELDS: readonly CronField[] = [
  { name: 'minutes', min: 0, max: 59, pattern: /^[0-9,\-*/]+$/ },
  { name: 'hours', min: 0, max: 23, pattern: /^[0-9,\-*/]+$/ },
  { name: 'day-of-month', min: 1, max: 31, pattern: /^([0-9,\-*?/LW]+)$/ },
  { name: 'month', min: 1, max: 12, pattern: /^([0-9,\-*/]|JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)+$/i },
  { name: 'day-of-week', min: 1, max: 7, pattern: /^([0-9,\-*?L#]|SUN|MON|TUE|WED|THU|FRI|SAT)+$/i },
  { name: 'year', min: 1970, max: 2199, pattern: /^[0-9,\-*/]+$/ },
];

/**
 * What is wrong with a schedule expression, as the end of a sentence starting with the prop
 * path ("must be ..., got ...; fix"), or undefined when it is a well-formed cron or rate
 * expression. Checks the shape EventBridge Scheduler accepts, not every calendar rule.
 */
export function checkScheduleExpression(expression: unknown): string | undefined {
  if (typeof expression !== 'string') {
    return `must be a cron(...) or rate(...) string, got ${describeValue(expression)}; ${CRON_EXAMPLE}`;
  }
  const trimmed = expression.trim();
  const cron = /^cron\((.*)\)$/.exec(trimmed);
  if (cron !== null) return checkCron(expression, cron[1]!);
  const rate = /^rate\((.*)\)$/.exec(trimmed);
  if (rate !== null) return checkRate(expression, rate[1]!);
  if (trimmed.startsWith('at(')) {
    return `must be a recurring cron(...) or rate(...) expression, got the one-time ${describeValue(expression)}; start one-off runs with StartExecution instead, or use ${CRON_EXAMPLE}`;
  }
  return `must be cron(minutes hours day-of-month month day-of-week year) or rate(value unit), got ${describeValue(expression)}; ${CRON_EXAMPLE}, ${RATE_EXAMPLE}`;
}

function checkCron(expression: string, body: string): string | undefined {
  const fields = body
    .trim()
    .split(/\s+/)
    .filter((field) => field.length > 0);
  if (fields.length !== CRON_FIELDS.length) {
    return `must have 6 fields, cron(minutes hours day-of-month month day-of-week year), got ${fields.length} in ${describeValue(expression)}; ${CRON_EXAMPLE}`;
  }
  for (const [index, field] of CRON_FIELDS.entries()) {
    const value = fields[index]!;
    if (!field.pattern.test(value)) {
      return `has an invalid ${field.name} field ${describeValue(value)} in ${describeValue(expression)}; use numbers ${field.min}-${field.max} with , - * / as EventBridge Scheduler allows, ${CRON_EXAMPLE}`;
    }
    const outOfRange = findOutOfRange(value, field);
    if (outOfRange !== undefined) {
      return `has ${field.name} ${outOfRange} out of range ${field.min}-${field.max} in ${describeValue(expression)}; ${CRON_EXAMPLE}`;
    }
  }
  const dayOfMonth = fields[2]!;
  const dayOfWeek = fields[4]!;
  if ((dayOfMonth === '?') === (dayOfWeek === '?')) {
    return `must have '?' in exactly one of day-of-month and day-of-week, got ${describeValue(dayOfMonth)} and ${describeValue(dayOfWeek)} in ${describeValue(expression)}; ${CRON_EXAMPLE}`;
  }
  return undefined;
}

/** The first number in a cron field that lies outside the field's range (increments after '/' and occurrences after '#' excluded). */
function findOutOfRange(value: string, field: CronField): number | undefined {
  for (const part of value.split(',')) {
    const values = part.split(/[/#]/)[0]!;
    const outOfRange = (values.match(/\d+/g) ?? []).map(Number).find((n) => n < field.min || n > field.max);
    if (outOfRange !== undefined) return outOfRange;
  }
  return undefined;
}

function checkRate(expression: string, body: string): string | undefined {
  const match = /^\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*$/.exec(body);
  if (match === null) {
    return `must be rate(value unit) with a whole number and minute(s), hour(s) or day(s), got ${describeValue(expression)}; ${RATE_EXAMPLE}`;
  }
  const value = Number(match[1]);
  const unit = match[2]!;
  if (value < 1) return `must have a rate value of at least 1, got ${describeValue(expression)}; ${RATE_EXAMPLE}`;
  const plural = unit.endsWith('s');
  if (value === 1 && plural) return `must use a singular unit for 1, got ${describeValue(expression)}; write rate(1 ${unit.slice(0, -1)})`;
  if (value > 1 && !plural) return `must use a plural unit for ${value}, got ${describeValue(expression)}; write rate(${value} ${unit}s)`;
  return undefined;
}

/** A schedule and the role it starts executions with. */
export interface JobSchedule {
  readonly schedule: scheduler.Schedule;
  readonly role: iam.Role;
}

/**
 * Creates an EventBridge Scheduler schedule that starts `stateMachine`, with a role of its
 * own that the scheduler of this account may assume and that may only start this state
 * machine. Expects props already checked by validateJobStateMachineProps.
 */
export function createJobSchedule(scope: Construct, stateMachine: sfn.IStateMachine, jobName: string, props: JobScheduleProps): JobSchedule {
  const stack = Stack.of(scope);
  // Confused-deputy guard: only schedules of this account's default group may assume the role.
  const role = new iam.Role(scope, 'ScheduleRole', {
    description: `Lets EventBridge Scheduler start the stepops job ${jobName}`,
    assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
      conditions: {
        StringEquals: {
          'aws:SourceAccount': stack.account,
          'aws:SourceArn': stack.formatArn({ service: 'scheduler', resource: 'schedule-group', resourceName: 'default' }),
        },
      },
    }),
  });
  const target = new targets.StepFunctionsStartExecution(stateMachine, {
    role,
    input: props.input === undefined ? undefined : scheduler.ScheduleTargetInput.fromObject(props.input),
    ...(props.retryAttempts === undefined ? {} : { retryAttempts: props.retryAttempts }),
    ...(props.maxEventAge === undefined ? {} : { maxEventAge: props.maxEventAge }),
    ...(props.deadLetterQueue === undefined ? {} : { deadLetterQueue: props.deadLetterQueue }),
  });
  const schedule = new scheduler.Schedule(scope, 'Schedule', {
    schedule: scheduler.ScheduleExpression.expression(props.expression.trim(), props.timeZone),
    target,
    description: props.description ?? `Starts the stepops job ${jobName}`,
    enabled: props.enabled ?? true,
  });
  return { schedule, role };
}
