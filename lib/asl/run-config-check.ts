import { RUN_CONFIG_ERROR } from '../errors.js';
import { MAX_JOB_CAUSE_CHARACTERS } from './jsonata-expressions.js';
import type { AslState } from './asl-types.js';
import { OP_NAMES_VARIABLE, RUN_CONFIG_CHECK_STATE_NAME, RUN_CONFIG_FAILED_STATE_NAME } from './state-names.js';

/**
 * The run config check of a compiled job: the same shape rules as checkRunConfigShape
 * (lib/job/run-config.ts), in the state machine, so that a deployed job fails before any op
 * runs, as runJobLocally does: a non-object input, a non-object `ops`, an op name under `ops`
 * that the job does not invoke (each op's Lambda sees only its own config, so only the state
 * machine can tell), an entry that is not `{ config }`. The execution then fails with Error
 * `stepops.RunConfigError` and, as Cause, RunConfigError's message for the same input, word
 * for word (values are described as describeValue does: JSON, strings quoted; JSONata writes
 * non-integer numbers with 15 significant digits where JavaScript may write 17), cut to
 * 32,768 characters. A config its op's configSchema rejects is found by the op's wrapper.
 */

/** The example run config of the messages (checkRunConfigShape's). */
const EXAMPLE = '{"ops":{"<op name>":{"config":{...}}}}';

/** A JSONata string literal: JSON's string syntax is JSONata's. */
function literal(text: string): string {
  return JSON.stringify(text);
}

/**
 * The JSONata text giving '' when the execution input is a valid run config shape for the
 * job, else RunConfigError's message. The job's op names are in OP_NAMES_VARIABLE.
 */
export function buildRunConfigMessage(jobName: string): string {
  const names = `$${OP_NAMES_VARIABLE}`;
  // describeValue: a string as JSON (quoted), anything else as $string gives it (JSON).
  const describe = `$d:=function($x){$type($x)='string'?$substring($string([$x]),1,$length($string([$x]))-2):$string($x)};`;
  const notObject = `[${literal('the run input: the run input must be a JSON object (got ')}&$d($i)&${literal(`); pass ${EXAMPLE}, or {} when no op takes config`)}]`;
  const opsNotObject = `[${literal('ops: ops must be an object keyed by op name (got ')}&$d($o)&${literal(`); pass ${EXAMPLE}`)}]`;
  const unknown = `${literal('ops.')}&$n&${literal(': "')}&$n&${literal(`" is not an op of job "${jobName}" (its ops: `)}&$join(${names},', ')&${literal(') (got ')}&$d($e)&${literal('); use one of those names under ops')}`;
  const entryNotObject = `${literal('ops.')}&$n&${literal(': ops.')}&$n&${literal(' must be an object { config } (got ')}&$d($e)&${literal('); pass "ops":{"')}&$n&${literal('":{"config":{...}}}')}`;
  const extraKey = `[$keys($e)[$!='config'].(${literal('ops.')}&$n&'.'&$&${literal(': "')}&$&${literal(`" is not a key of an op's run config (got `)}&$d($lookup($e,$))&${literal(`); put the op's settings under ops.`)}&$n&${literal('.config')})]`;
  const entries = `[$keys($o).($n:=$;$e:=$lookup($o,$n);$not($n in ${names})?${unknown}:$type($e)!='object'?${entryNotObject}:${extraKey})]`;
  return (
    `($i:=$states.context.Execution.Input;${describe}` +
    `$I:=$i=null?[]:$type($i)!='object'?${notObject}:($o:=$lookup($i,'ops');$not($exists($o))?[]:$type($o)!='object'?${opsNotObject}:${entries});` +
    `$count($I)=0?'':$substring(${literal(`run config of job "${jobName}" is invalid: `)}&$join($I,'; and '),0,${MAX_JOB_CAUSE_CHARACTERS}))`
  );
}

/**
 * The JSONata text giving true when the execution input breaks a shape rule: the same rules as
 * buildRunConfigMessage, as a short test, so that a run whose config fits (every run but a
 * mistaken one) evaluates only this; the message is built by the Fail state alone.
 */
export function buildRunConfigInvalid(): string {
  const names = `$${OP_NAMES_VARIABLE}`;
  const badEntry = `($e:=$lookup($o,$);$not($ in ${names}) or $type($e)!='object' or $count($keys($e)[$!='config'])>0)`;
  return `($i:=$states.context.Execution.Input;$i!=null and ($type($i)!='object' or ($o:=$lookup($i,'ops');$exists($o) and ($type($o)!='object' or $count($keys($o)[${badEntry}])>0))))`;
}

/** The check's two states: a Choice that goes on to `next` when the run config fits, else the Fail. */
export function buildRunConfigStates(jobName: string, next: string): [string, AslState][] {
  return [
    [RUN_CONFIG_CHECK_STATE_NAME, { Type: 'Choice', Choices: [{ Condition: `{% ${buildRunConfigInvalid()} %}`, Next: RUN_CONFIG_FAILED_STATE_NAME }], Default: next }],
    [RUN_CONFIG_FAILED_STATE_NAME, { Type: 'Fail', Error: RUN_CONFIG_ERROR, Cause: `{% ${buildRunConfigMessage(jobName)} %}` }],
  ];
}
