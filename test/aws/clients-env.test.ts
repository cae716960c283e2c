import { ListNotebookInstancesCommand } from '@aws-sdk/client-sagemaker';
import { GetFindingsCommand } from '@aws-sdk/client-securityhub';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsClients, createStsClient } from '../../src/aws/clients.js';
import { useFakeCredentials } from '../audit/standin-helpers.js';
import { startAwsStandin, type AwsStandin } from '../support/aws-standin/index.js';

// This file owns its process (vitest forks): the endpoint variables are set before any client exists, and no
// `endpoint` is passed, so only the SDK's own AWS_ENDPOINT_URL[_<SERVICE>] handling can route calls to the stand-in.
useFakeCredentials();
let standin: AwsStandin;
let decoy: AwsStandin;

beforeAll(async () => {
  standin = await startAwsStandin();
  decoy = await startAwsStandin();
  process.env.AWS_ENDPOINT_URL = decoy.url;
  process.env.AWS_ENDPOINT_URL_SAGEMAKER = standin.url;
  process.env.AWS_ENDPOINT_URL_SECURITYHUB = standin.url;
  process.env.AWS_ENDPOINT_URL_STS = standin.url;
});
afterAll(async () => {
  for (const k of ['AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_SAGEMAKER', 'AWS_ENDPOINT_URL_SECURITYHUB', 'AWS_ENDPOINT_URL_STS']) delete process.env[k];
  await standin.close();
  await decoy.close();
});

describe('createAwsClients without an endpoint', () => {
  it('honours AWS_ENDPOINT_URL_<SERVICE> over AWS_ENDPOINT_URL for SageMaker, Security Hub and STS', async () => {
    const { sagemaker, securityHub } = createAwsClients({ region: 'eu-west-1', maxAttempts: 2 });
    const sts = createStsClient({ region: 'eu-west-1', maxAttempts: 2 });
    await sagemaker.send(new ListNotebookInstancesCommand({}));
    await securityHub.send(new GetFindingsCommand({}));
    const id = await sts.send(new GetCallerIdentityCommand({}));
    expect(id.Account).toBe('111111111111');
    expect(standin.calls.map((c) => `${c.service}:${c.operation}:${c.region}`)).toEqual([
      'sagemaker:ListNotebookInstances:eu-west-1',
      'securityhub:GetFindings:eu-west-1',
      'sts:GetCallerIdentity:eu-west-1',
    ]);
    expect(decoy.calls).toHaveLength(0);
    expect(await sagemaker.config.maxAttempts()).toBe(2);
  });

  it('falls back to AWS_ENDPOINT_URL when there is no service-specific variable', async () => {
    delete process.env.AWS_ENDPOINT_URL_SAGEMAKER;
    const { sagemaker } = createAwsClients({ region: 'us-west-2', maxAttempts: 1 });
    await sagemaker.send(new ListNotebookInstancesCommand({}));
    expect(decoy.callCount('ListNotebookInstances', { region: 'us-west-2' })).toBe(1);
  });
});
