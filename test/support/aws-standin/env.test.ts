import { ListNotebookInstancesCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { DescribeHubCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { OrganizationsClient, paginateListAccounts } from '@aws-sdk/client-organizations';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AwsStandin } from './index.js';
import { startAwsStandin } from './index.js';

const credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'x' };
let standin: AwsStandin;
const saved = { ...process.env };

beforeAll(async () => {
  standin = await startAwsStandin();
});
afterAll(async () => {
  await standin.close();
});
afterEach(() => {
  for (const k of ['AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_SAGEMAKER', 'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS']) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

describe('endpoint override through the environment (no `endpoint` in the client config)', () => {
  it('AWS_ENDPOINT_URL_SAGEMAKER routes SageMaker calls to the stand-in', async () => {
    delete process.env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS;
    process.env.AWS_ENDPOINT_URL_SAGEMAKER = standin.url;
    standin.resetCounters();
    const client = new SageMakerClient({ region: 'us-east-1', credentials, maxAttempts: 1 });
    const out = await client.send(new ListNotebookInstancesCommand({}));
    expect(out.NotebookInstances).toEqual([]);
    expect(standin.callCount('ListNotebookInstances')).toBe(1);
  });

  it('AWS_ENDPOINT_URL routes every service (here Security Hub) to the stand-in', async () => {
    delete process.env.AWS_ENDPOINT_URL_SAGEMAKER;
    process.env.AWS_ENDPOINT_URL = standin.url;
    standin.resetCounters();
    const client = new SecurityHubClient({ region: 'eu-west-1', credentials, maxAttempts: 1 });
    const hub = await client.send(new DescribeHubCommand({}));
    expect(hub.HubArn).toBe(`arn:aws:securityhub:eu-west-1:${standin.defaultAccountId}:hub/default`);
    expect(standin.callCount('DescribeHub', { region: 'eu-west-1' })).toBe(1);
  });
});

describe('Organizations', () => {
  it('ListAccounts pages (max 20) from the management account and is refused elsewhere', async () => {
    const accounts = Array.from({ length: 45 }, (_, i) => ({ Id: String(100000000000 + i) }));
    standin.setOrganization({ managementAccountId: standin.defaultAccountId, accounts: [{ Id: standin.defaultAccountId }, ...accounts] });
    standin.resetCounters();
    const client = new OrganizationsClient({ endpoint: standin.url, region: 'us-east-1', credentials, maxAttempts: 1 });
    const ids: string[] = [];
    for await (const page of paginateListAccounts({ client }, {})) ids.push(...(page.Accounts ?? []).map((a) => a.Id!));
    expect(ids).toHaveLength(46);
    expect(standin.callCount('ListAccounts')).toBe(3);

    const member = new OrganizationsClient({ endpoint: standin.url, region: 'us-east-1', credentials: standin.credentialsFor('100000000001'), maxAttempts: 1 });
    const err = await member.send(new (await import('@aws-sdk/client-organizations')).ListAccountsCommand({})).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'AccessDeniedException' });
  });
});
