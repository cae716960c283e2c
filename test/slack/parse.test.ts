import { describe, expect, it } from 'vitest';
import { CONTROLS } from '../../src/controls/index.js';

const CONTROL_IDS = CONTROLS.map((c) => c.metadata.id);
import { describeScope, parseCommand, type ParsedCommand } from '../../src/slack/commands/parse.js';

const defaults = { accounts: ['111111111111'], regions: ['us-east-1'], controlIds: CONTROL_IDS };
const audit = (scope: object): ParsedCommand => ({ kind: 'audit', scope: { accounts: ['111111111111'], regions: ['us-east-1'], controls: [], source: 'both', ...scope } as never });

describe('parseCommand', () => {
  it.each<[string, ParsedCommand]>([
    ['', audit({})],
    ['   ', audit({})],
    ['us-east-1 eu-west-1', audit({ regions: ['us-east-1', 'eu-west-1'] })],
    ['eu-west-1 eu-west-1', audit({ regions: ['eu-west-1'] })],
    ['region=ap-southeast-2', audit({ regions: ['ap-southeast-2'] })],
    ['us-gov-west-1', audit({ regions: ['us-gov-west-1'] })],
    ['account=123456789012,210987654321', audit({ accounts: ['123456789012', '210987654321'] })],
    ['123456789012', audit({ accounts: ['123456789012'] })],
    ['control=SageMaker.3', audit({ controls: ['SageMaker.3'] })],
    ['control=sagemaker.3,SageMaker.1', audit({ controls: ['SageMaker.3', 'SageMaker.1'] })],
    ['resource=my-notebook', audit({ resource: 'my-notebook' })],
    ['resource=arn:aws:sagemaker:us-east-1:123456789012:notebook-instance/nb-1', audit({ resource: 'arn:aws:sagemaker:us-east-1:123456789012:notebook-instance/nb-1' })],
    ['source=securityhub', audit({ source: 'securityhub' })],
    ['source=SageMaker', audit({ source: 'sagemaker' })],
    ['eu-west-1 account=123456789012 control=SageMaker.2 source=sagemaker resource=nb', audit({ regions: ['eu-west-1'], accounts: ['123456789012'], controls: ['SageMaker.2'], source: 'sagemaker', resource: 'nb' })],
    ['help', { kind: 'help' }],
    ['HELP', { kind: 'help' }],
    ['history', { kind: 'history', resource: undefined }],
    ['history nb-1', { kind: 'history', resource: 'nb-1' }],
    ['digest', { kind: 'digest', args: [] }],
    ['exceptions list all', { kind: 'exceptions', args: ['list', 'all'] }],
  ])('%j', (text, expected) => {
    expect(parseCommand(text, defaults)).toEqual(expected);
  });

  it.each<[string, string]>([
    ['control=SageMaker.99', 'unknown control `SageMaker.99`; valid: SageMaker.1, SageMaker.2'],
    ['control=', '`control=` needs a value'],
    ['account=12345', '`12345` is not a 12-digit account id'],
    ['region=mars-1', '`mars-1` is not an AWS region name'],
    ['source=cloudtrail', '`source=` must be one of sagemaker, securityhub, both'],
    ['resource=a resource=b', 'give `resource=` once'],
    ['resource=<!channel>', 'is not a SageMaker resource name or ARN'],
    ['frobnicate', "I don't understand `frobnicate`"],
    ['colour=blue', 'unknown option `colour=`'],
    ['help me', '`help` takes no arguments'],
    ['history a b', '`history` takes at most one'],
  ])('%j is invalid', (text, problem) => {
    const parsed = parseCommand(text, defaults);
    expect(parsed.kind).toBe('invalid');
    expect(parsed.kind === 'invalid' && parsed.problems.join('\n')).toContain(problem);
  });

  it('no region configured and none given is an error naming AUDIT_REGIONS', () => {
    const parsed = parseCommand('', { ...defaults, regions: [] });
    expect(parsed).toEqual({ kind: 'invalid', problems: [expect.stringContaining('AUDIT_REGIONS')] });
  });

  it('the unknown-control message lists every valid id', () => {
    const parsed = parseCommand('control=SageMaker.0', defaults);
    for (const id of CONTROL_IDS) expect(parsed.kind === 'invalid' && parsed.problems[0]).toContain(id);
  });

  it('describeScope summarises and escapes', () => {
    expect(describeScope({ accounts: [], regions: ['us-east-1'], controls: [], source: 'both' }, 25)).toBe('the bot’s own account · us-east-1 · all 25 controls · source both');
    expect(describeScope({ accounts: ['1'], regions: ['r'], controls: ['SageMaker.1'], source: 'both', resource: 'a`<b>' }, 25)).toContain('`aˋ&lt;b&gt;`');
  });
});
