import { AccountClient, ListRegionsCommand, paginateListRegions } from '@aws-sdk/client-account';
import type { ListRegionsCommandInput, Region } from '@aws-sdk/client-account';
import { GetResourcesCommand, ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { ListNotebookInstancesCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { GetFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsStandin } from './index.js';
import { startAwsStandin } from './index.js';
import { caught, collectPages } from './testing.js';

const MANAGEMENT = '500000000000';
const MEMBER_A = '500000000001';
const MEMBER_B = '500000000002';
const OUTSIDER = '599999999999';
let standin: AwsStandin;
const creds = (accountId: string): { accessKeyId: string; secretAccessKey: string } => standin.credentialsFor(accountId);
const account = (accountId: string): AccountClient => new AccountClient({ endpoint: standin.url, region: 'us-east-1', credentials: creds(accountId), maxAttempts: 1 });

beforeAll(async () => {
  standin = await startAwsStandin({ transitionDelayMs: 0 });
});
afterAll(async () => {
  await standin.close();
});

async function regions(accountId: string, input: ListRegionsCommandInput = {}, pageSize?: number): Promise<{ regions: Region[]; pages: number }> {
  const { items, pages } = await collectPages(paginateListRegions({ client: account(accountId), pageSize }, input), (p) => p.Regions);
  return { regions: items, pages };
}
const statusOf = (list: Region[], name: string): string | undefined => list.find((r) => r.RegionName === name)?.RegionOptStatus;

describe('account:ListRegions', () => {
  it('lists default Regions ENABLED_BY_DEFAULT and opt-in Regions DISABLED, pages 1-50 and filters by status', async () => {
    const { regions: all, pages } = await regions(OUTSIDER, {}, 10);
    expect(pages).toBe(4);
    expect(all).toHaveLength(34);
    for (const r of ['us-east-1', 'eu-west-1', 'ap-northeast-3', 'sa-east-1']) expect(statusOf(all, r), r).toBe('ENABLED_BY_DEFAULT');
    for (const r of ['ap-east-1', 'me-south-1', 'af-south-1', 'il-central-1', 'mx-central-1']) expect(statusOf(all, r), r).toBe('DISABLED');
    expect(all.filter((r) => r.RegionOptStatus === 'ENABLED_BY_DEFAULT')).toHaveLength(17);

    const one = await account(OUTSIDER).send(new ListRegionsCommand({}));
    expect(one.Regions).toHaveLength(34);
    expect(one.NextToken).toBeUndefined();

    standin.setRegionOptStatus(OUTSIDER, 'ap-east-1', 'ENABLED');
    standin.setRegionOptStatus(OUTSIDER, 'me-south-1', 'ENABLING');
    const usable = await regions(OUTSIDER, { RegionOptStatusContains: ['ENABLED', 'ENABLING'] });
    expect(usable.regions).toEqual([
      { RegionName: 'ap-east-1', RegionOptStatus: 'ENABLED' },
      { RegionName: 'me-south-1', RegionOptStatus: 'ENABLING' },
    ]);

    for (const MaxResults of [0, 51]) {
      const err = await caught(account(OUTSIDER).send(new ListRegionsCommand({ MaxResults })));
      expect(err, String(MaxResults)).toMatchObject({ name: 'ValidationException', $metadata: { httpStatusCode: 400 } });
    }
    expect(await caught(account(OUTSIDER).send(new ListRegionsCommand({ NextToken: 'garbage' })))).toMatchObject({ name: 'ValidationException' });
    expect(await caught(account(OUTSIDER).send(new ListRegionsCommand({ AccountId: 'abc' })))).toMatchObject({ name: 'ValidationException' });
  });

  it('AccountId: only from the management account or delegated administrator, with trusted access, for a member', async () => {
    standin.setOrganization({ managementAccountId: MANAGEMENT, accounts: [{ Id: MANAGEMENT }, { Id: MEMBER_A }, { Id: MEMBER_B }] });
    standin.setRegionOptStatus(MEMBER_A, 'af-south-1', 'ENABLED');

    const noTrust = await caught(account(MANAGEMENT).send(new ListRegionsCommand({ AccountId: MEMBER_A })));
    expect(noTrust).toMatchObject({ name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } });
    expect((noTrust as Error).message).toMatch(/is not authorized to perform: account:ListRegions \(Your organization must first enable trusted access with AWS Account Management\.\)$/);

    standin.setOrganization({ managementAccountId: MANAGEMENT, accounts: [{ Id: MANAGEMENT }, { Id: MEMBER_A }, { Id: MEMBER_B }], accountManagement: { trustedAccess: true, delegatedAdministrator: MEMBER_B } });
    const ofA = await regions(MANAGEMENT, { AccountId: MEMBER_A });
    expect(statusOf(ofA.regions, 'af-south-1')).toBe('ENABLED');
    expect(statusOf((await regions(MANAGEMENT)).regions, 'af-south-1')).toBe('DISABLED');
    expect(statusOf((await regions(MEMBER_B, { AccountId: MEMBER_A })).regions, 'af-south-1')).toBe('ENABLED');

    const own = await caught(account(MANAGEMENT).send(new ListRegionsCommand({ AccountId: MANAGEMENT })));
    expect(own).toMatchObject({ name: 'AccessDeniedException' });
    expect((own as Error).message).toContain('(The management account can only be managed using the standalone context from the management account)');
    for (const [caller, target] of [[MEMBER_A, MEMBER_B], [MEMBER_B, MANAGEMENT], [MANAGEMENT, OUTSIDER]] as const) {
      const err = await caught(account(caller).send(new ListRegionsCommand({ AccountId: target })));
      expect(err, `${caller} -> ${target}`).toMatchObject({ name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } });
    }
    standin.setOrganization(undefined);
  });
});

describe('Regions the account has not enabled', () => {
  const acct = '511111111111';
  const sm = (region: string): SageMakerClient => new SageMakerClient({ endpoint: standin.url, region, credentials: creds(acct), maxAttempts: 1 });
  const sh = (region: string): SecurityHubClient => new SecurityHubClient({ endpoint: standin.url, region, credentials: creds(acct), maxAttempts: 1 });
  const tagging = (region: string): ResourceGroupsTaggingAPIClient => new ResourceGroupsTaggingAPIClient({ endpoint: standin.url, region, credentials: creds(acct), maxAttempts: 1 });

  it('refuse SageMaker, Security Hub and Tagging calls until the opt-in Region is ENABLED', async () => {
    const refused = { name: 'UnrecognizedClientException', message: 'The security token included in the request is invalid' };
    expect(await caught(sm('ap-east-1').send(new ListNotebookInstancesCommand({})))).toMatchObject({ ...refused, $metadata: { httpStatusCode: 400 } });
    expect(await caught(sh('ap-east-1').send(new GetFindingsCommand({})))).toMatchObject({ ...refused, $metadata: { httpStatusCode: 403 } });
    expect(await caught(tagging('ap-east-1').send(new GetResourcesCommand({})))).toMatchObject({ ...refused, $metadata: { httpStatusCode: 400 } });
    expect(standin.region(acct, 'ap-east-1').regionDisabled).toBe(true);

    standin.setRegionOptStatus(acct, 'ap-east-1', 'ENABLING');
    expect(await caught(sm('ap-east-1').send(new ListNotebookInstancesCommand({})))).toMatchObject(refused);
    standin.setRegionOptStatus(acct, 'ap-east-1', 'ENABLED');
    expect((await sm('ap-east-1').send(new ListNotebookInstancesCommand({}))).NotebookInstances).toEqual([]);
    expect((await sh('ap-east-1').send(new GetFindingsCommand({}))).Findings).toEqual([]);
    // Another account has not enabled it.
    const other = new SageMakerClient({ endpoint: standin.url, region: 'ap-east-1', credentials: creds('522222222222'), maxAttempts: 1 });
    expect(await caught(other.send(new ListNotebookInstancesCommand({})))).toMatchObject(refused);
  });

  it('AssumeRole into a Region the target account has not enabled answers RegionDisabledException', async () => {
    const client = new SageMakerClient({
      endpoint: standin.url,
      region: 'me-south-1',
      credentials: fromTemporaryCredentials({
        params: { RoleArn: `arn:aws:iam::${acct}:role/Auditor`, RoleSessionName: 'audit' },
        masterCredentials: creds(MANAGEMENT),
        clientConfig: { endpoint: standin.url, region: 'me-south-1', maxAttempts: 1 },
      }),
      maxAttempts: 1,
    });
    expect(await caught(client.send(new ListNotebookInstancesCommand({})))).toMatchObject({ name: 'RegionDisabledException' });
  });

  it('the regionDisabled lever and ListRegions agree', async () => {
    standin.region(acct, 'eu-west-1').regionDisabled = true;
    expect(statusOf((await regions(acct)).regions, 'eu-west-1')).toBe('DISABLED');
    expect(await caught(sm('eu-west-1').send(new ListNotebookInstancesCommand({})))).toMatchObject({ name: 'UnrecognizedClientException' });
    standin.region(acct, 'eu-west-1').regionDisabled = false;
    expect(statusOf((await regions(acct)).regions, 'eu-west-1')).toBe('ENABLED_BY_DEFAULT');
    standin.region(acct, 'il-central-1').regionDisabled = false;
    expect(statusOf((await regions(acct)).regions, 'il-central-1')).toBe('ENABLED');

    expect(() => standin.setRegionOptStatus(acct, 'us-east-1', 'DISABLED')).toThrow(/default Region/);
    expect(() => standin.setRegionOptStatus(acct, 'ap-east-1', 'ENABLED_BY_DEFAULT')).toThrow(/opt-in Region/);
  });
});
