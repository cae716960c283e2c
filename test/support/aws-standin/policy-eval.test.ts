import { describe, expect, it } from 'vitest';
import { arnMatches, evaluate, validatePolicy } from './policy-eval.js';
import type { AuthzRequest, Decision, PolicyDocument, PolicyStatement } from './policy-eval.js';

const NB = 'arn:aws:sagemaker:us-east-1:222222222222:notebook-instance/research';
const ROLE = 'arn:aws:iam::222222222222:role/SageMakerExecution';
const policy = (...Statement: PolicyStatement[]): PolicyDocument => ({ Version: '2012-10-17', Statement });
const req = (action: string, resource: string, context: AuthzRequest['context'] = {}): AuthzRequest => ({ action, resource, context });

describe('identity policy evaluation', () => {
  const cases: Array<[string, PolicyDocument, AuthzRequest, Decision]> = [
    ['exact action and resource', policy({ Effect: 'Allow', Action: 'sagemaker:StopNotebookInstance', Resource: NB }), req('sagemaker:StopNotebookInstance', NB), 'allow'],
    ['no statement applies', policy({ Effect: 'Allow', Action: 'sagemaker:StopNotebookInstance', Resource: NB }), req('sagemaker:DeleteNotebookInstance', NB), 'implicitDeny'],
    ['action wildcard', policy({ Effect: 'Allow', Action: 'sagemaker:Describe*', Resource: '*' }), req('sagemaker:DescribeModel', 'arn:aws:sagemaker:us-east-1:1:model/m'), 'allow'],
    ['action wildcard does not reach other verbs', policy({ Effect: 'Allow', Action: 'sagemaker:Describe*', Resource: '*' }), req('sagemaker:DeleteModel', '*'), 'implicitDeny'],
    ['actions are case-insensitive', policy({ Effect: 'Allow', Action: 'SageMaker:describenotebookinstance', Resource: '*' }), req('sagemaker:DescribeNotebookInstance', NB), 'allow'],
    ['"*" action', policy({ Effect: 'Allow', Action: '*', Resource: '*' }), req('securityhub:GetFindings', '*'), 'allow'],
    ['? matches one character', policy({ Effect: 'Allow', Action: 'sagemaker:*', Resource: 'arn:aws:sagemaker:us-east-?:222222222222:*' }), req('sagemaker:DescribeModel', 'arn:aws:sagemaker:us-east-1:222222222222:model/m'), 'allow'],
    ['resources are case-sensitive', policy({ Effect: 'Allow', Action: 'sagemaker:*', Resource: 'arn:aws:sagemaker:us-east-1:222222222222:notebook-instance/Research' }), req('sagemaker:StopNotebookInstance', NB), 'implicitDeny'],
    [
      'a wildcard does not span ARN segments',
      policy({ Effect: 'Allow', Action: 'sagemaker:*', Resource: 'arn:aws:sagemaker:us-east-1:*:model/*' }),
      req('sagemaker:DescribeModel', 'arn:aws:sagemaker:us-east-1:222222222222:notebook-instance/x:model/y'),
      'implicitDeny',
    ],
    ['explicit deny wins over allow', policy({ Effect: 'Allow', Action: '*', Resource: '*' }, { Effect: 'Deny', Action: 'sagemaker:Delete*', Resource: '*' }), req('sagemaker:DeleteNotebookInstance', NB), 'explicitDeny'],
    ['NotAction', policy({ Effect: 'Allow', NotAction: 'sagemaker:Delete*', Resource: '*' }), req('sagemaker:DeleteModel', '*'), 'implicitDeny'],
    ['NotResource', policy({ Effect: 'Deny', Action: '*', NotResource: 'arn:aws:sagemaker:*:*:model/*' }, { Effect: 'Allow', Action: '*', Resource: '*' }), req('sagemaker:DescribeModel', 'arn:aws:sagemaker:us-east-1:1:model/m'), 'allow'],
    [
      'PassRole scoped to SageMaker: passed to SageMaker',
      policy({ Effect: 'Allow', Action: 'iam:PassRole', Resource: ROLE, Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } } }),
      req('iam:PassRole', ROLE, { 'iam:passedtoservice': 'sagemaker.amazonaws.com' }),
      'allow',
    ],
    [
      'PassRole scoped to SageMaker: passed elsewhere',
      policy({ Effect: 'Allow', Action: 'iam:PassRole', Resource: ROLE, Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } } }),
      req('iam:PassRole', ROLE, { 'iam:passedtoservice': 'ec2.amazonaws.com' }),
      'implicitDeny',
    ],
    ['condition key missing from the request', policy({ Effect: 'Allow', Action: 'iam:PassRole', Resource: '*', Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } } }), req('iam:PassRole', ROLE), 'implicitDeny'],
    ['...IfExists tolerates a missing key', policy({ Effect: 'Allow', Action: 'iam:PassRole', Resource: '*', Condition: { StringEqualsIfExists: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } } }), req('iam:PassRole', ROLE), 'allow'],
    [
      'StringLike on sagemaker:TaggingAction',
      policy({ Effect: 'Allow', Action: 'sagemaker:AddTags', Resource: '*', Condition: { StringLike: { 'sagemaker:TaggingAction': 'Create*' } } }),
      req('sagemaker:AddTags', 'arn:aws:sagemaker:us-east-1:1:model/m', { 'sagemaker:taggingaction': 'CreateModel' }),
      'allow',
    ],
    ['StringLike without the key (a plain AddTags)', policy({ Effect: 'Allow', Action: 'sagemaker:AddTags', Resource: '*', Condition: { StringLike: { 'sagemaker:TaggingAction': 'Create*' } } }), req('sagemaker:AddTags', NB), 'implicitDeny'],
    ['Null true: key absent', policy({ Effect: 'Allow', Action: 'sagemaker:AddTags', Resource: '*', Condition: { Null: { 'sagemaker:TaggingAction': 'true' } } }), req('sagemaker:AddTags', NB), 'allow'],
    ['Null false: key present', policy({ Effect: 'Allow', Action: 'sagemaker:AddTags', Resource: '*', Condition: { Null: { 'sagemaker:TaggingAction': 'false' } } }), req('sagemaker:AddTags', NB), 'implicitDeny'],
    [
      'aws:RequestedRegion with a value list (OR)',
      policy({ Effect: 'Allow', Action: 'sagemaker:*', Resource: '*', Condition: { StringEquals: { 'aws:RequestedRegion': ['eu-west-1', 'us-east-1'] } } }),
      req('sagemaker:ListModels', '*', { 'aws:requestedregion': 'us-east-1' }),
      'allow',
    ],
    [
      'deny outside allowed regions (StringNotEquals)',
      policy({ Effect: 'Allow', Action: '*', Resource: '*' }, { Effect: 'Deny', Action: '*', Resource: '*', Condition: { StringNotEquals: { 'aws:RequestedRegion': ['eu-west-1'] } } }),
      req('sagemaker:ListModels', '*', { 'aws:requestedregion': 'us-east-1' }),
      'explicitDeny',
    ],
    [
      'two keys in one block are ANDed',
      policy({ Effect: 'Allow', Action: 'iam:PassRole', Resource: '*', Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com', 'aws:RequestedRegion': 'eu-west-1' } } }),
      req('iam:PassRole', ROLE, { 'iam:passedtoservice': 'sagemaker.amazonaws.com', 'aws:requestedregion': 'us-east-1' }),
      'implicitDeny',
    ],
    [
      'ArnLike on aws:PrincipalArn',
      policy({ Effect: 'Allow', Action: '*', Resource: '*', Condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/Remediator*' } } }),
      req('sagemaker:ListModels', '*', { 'aws:principalarn': 'arn:aws:iam::222222222222:role/RemediatorRole' }),
      'allow',
    ],
  ];
  it.each(cases)('%s', (_name, doc, request, expected) => {
    expect(evaluate([doc], request)).toBe(expected);
  });
});

describe('trust policy evaluation', () => {
  const trust = policy({
    Effect: 'Allow',
    Principal: { AWS: ['arn:aws:iam::111111111111:role/Hub', '333333333333'] },
    Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
    Condition: { StringEquals: { 'sts:ExternalId': 'ext-1' } },
  });
  const assume = (principals: string[], context: AuthzRequest['context'] = { 'sts:externalid': 'ext-1' }): Decision =>
    evaluate([trust], { action: 'sts:AssumeRole', resource: 'arn:aws:iam::222222222222:role/Remediation', principals, context }, 'trust');

  it('matches the calling session through its role ARN', () => {
    expect(assume(['arn:aws:sts::111111111111:assumed-role/Hub/u1', 'arn:aws:iam::111111111111:root', 'arn:aws:iam::111111111111:role/Hub'])).toBe('allow');
  });
  it('an account id means that account root', () => {
    expect(assume(['arn:aws:iam::333333333333:user/x', 'arn:aws:iam::333333333333:root'])).toBe('allow');
  });
  it('other principals and a wrong external id are denied', () => {
    expect(assume(['arn:aws:iam::444444444444:user/x', 'arn:aws:iam::444444444444:root'])).toBe('implicitDeny');
    expect(assume(['arn:aws:iam::111111111111:role/Hub'], { 'sts:externalid': 'nope' })).toBe('implicitDeny');
  });
});

describe('arnMatches and validatePolicy', () => {
  it('matches per segment; the resource part may contain colons and slashes', () => {
    expect(arnMatches('arn:aws:sagemaker:*:*:*', NB)).toBe(true);
    expect(arnMatches('arn:aws:logs:*:*:log-group:/aws/sagemaker/*', 'arn:aws:logs:us-east-1:1:log-group:/aws/sagemaker/NotebookInstances:log-stream:x')).toBe(true);
    expect(arnMatches('arn:aws:sagemaker:us-east-1:*:model/*', 'arn:aws:sagemaker:us-east-1:1:model/m')).toBe(true);
  });
  it('rejects what the evaluator would misread', () => {
    expect(() => validatePolicy(policy({ Effect: 'Allow', Action: '*', Resource: '*', Condition: { NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } } }), 'identity')).toThrow(/NumericLessThan/);
    expect(() => validatePolicy(policy({ Effect: 'Allow', Action: '*', Resource: '*', Condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': 'a' } } }), 'identity')).toThrow(/set operators/);
    expect(() => validatePolicy(policy({ Effect: 'Allow', Action: '*' }), 'identity')).toThrow(/Resource/);
    expect(() => validatePolicy(policy({ Effect: 'Allow', Action: '*', Resource: 'arn:aws:sagemaker:*:notebook-instance/*' }), 'identity')).toThrow('Resource arn:aws:sagemaker:*:notebook-instance/* must be in ARN format or "*".');
    expect(() => validatePolicy(policy({ Effect: 'Allow', Action: 'sts:AssumeRole' }), 'trust')).toThrow(/Principal/);
  });
});
