import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resolveTargets } from '../../src/aws/accounts.js';
import { roleArnFor } from '../../src/aws/arns.js';
import { factoryFor, useFakeCredentials } from '../audit/standin-helpers.js';
import { startAwsStandin, type AwsStandin } from '../support/aws-standin/index.js';

useFakeCredentials();
let standin: AwsStandin;

beforeAll(async () => {
  standin = await startAwsStandin();
});
afterAll(async () => {
  await standin.close();
});
afterEach(() => {
  standin.resetCounters();
  standin.setOrganization(undefined);
});

describe('roleArnFor', () => {
  it('builds the ARN from a name, a template, and the partition of the region', () => {
    expect(roleArnFor('Auditor', '123456789012')).toBe('arn:aws:iam::123456789012:role/Auditor');
    expect(roleArnFor('arn:aws:iam::{accountId}:role/path/Audit', '123456789012')).toBe('arn:aws:iam::123456789012:role/path/Audit');
    expect(roleArnFor('Auditor', '123456789012', 'cn-north-1')).toBe('arn:aws-cn:iam::123456789012:role/Auditor');
    expect(() => roleArnFor('arn:aws:iam::1:role/x', '123456789012')).toThrow(/\{accountId\}/);
  });
});

describe('resolveTargets', () => {
  it('no accounts: the caller’s own account with the default credentials, in every region', async () => {
    const t = await resolveTargets({ accounts: [], regions: ['us-east-1', 'eu-west-1'], discoverAccounts: false, factory: factoryFor(standin) });
    expect(t.accounts).toEqual(['111111111111']);
    expect(t.targets).toEqual([
      { accountId: '111111111111', region: 'us-east-1' },
      { accountId: '111111111111', region: 'eu-west-1' },
    ]);
    expect(standin.callCount('GetCallerIdentity')).toBe(1);
  });

  it('assumes the role in each account once; a denied account is an error and the others continue', async () => {
    standin.denyAssumeRole('arn:aws:iam::222222222222:role/Auditor');
    const t = await resolveTargets({
      accounts: ['333333333333', '222222222222', '444444444444'],
      regions: ['us-east-1', 'eu-west-1'],
      role: 'Auditor',
      discoverAccounts: false,
      factory: factoryFor(standin),
    });
    expect(t.targets.map((x) => `${x.accountId}/${x.region}`)).toEqual(['333333333333/us-east-1', '333333333333/eu-west-1', '444444444444/us-east-1', '444444444444/eu-west-1']);
    expect(t.errors).toEqual([expect.objectContaining({ accountId: '222222222222', region: '*', code: 'AccessDenied', operation: 'sts:AssumeRole arn:aws:iam::222222222222:role/Auditor' })]);
    expect(standin.callCount('AssumeRole')).toBe(3);
    const creds = await t.targets[0]!.credentials!();
    expect(creds.accessKeyId).toMatch(/^ASIA333333333333/);
    expect(standin.calls.filter((c) => c.operation === 'AssumeRole').map((c) => c.input.RoleSessionName)).toEqual(['sagemaker-audit', 'sagemaker-audit', 'sagemaker-audit']);
  });

  it('discovers ACTIVE Organization accounts and adds them to the listed ones', async () => {
    standin.setOrganization({
      managementAccountId: '111111111111',
      accounts: [
        { Id: '111111111111', Status: 'ACTIVE' },
        { Id: '555555555555', Status: 'ACTIVE' },
        { Id: '666666666666', Status: 'SUSPENDED' },
      ],
    });
    const t = await resolveTargets({ accounts: ['777777777777'], regions: ['us-east-1'], role: 'arn:aws:iam::{accountId}:role/Audit', discoverAccounts: true, factory: factoryFor(standin) });
    expect(t.accounts).toEqual(['111111111111', '555555555555', '777777777777']);
    expect(t.targets).toHaveLength(3);
    expect(t.errors).toEqual([]);
  });

  it('an account other than the caller’s without a role is an error, not a silent scan of the wrong account', async () => {
    const t = await resolveTargets({ accounts: ['111111111111', '999999999999'], regions: ['us-east-1'], discoverAccounts: false, factory: factoryFor(standin) });
    expect(t.targets.map((x) => x.accountId)).toEqual(['111111111111']);
    expect(t.errors).toEqual([expect.objectContaining({ accountId: '999999999999', code: 'NoRoleForAccount' })]);
  });
});
