import { ListModelsCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { GetFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsStandin } from './index.js';
import { startAwsStandin } from './index.js';

const A = '700000000001';
const B = '700000000002';
let t = Date.UTC(2026, 2, 3, 12, 0, 0);
let standin: AwsStandin;
const sm = (accountId: string, region = 'us-east-1', maxAttempts = 1): SageMakerClient =>
  new SageMakerClient({ endpoint: standin.url, region, credentials: standin.credentialsFor(accountId), maxAttempts });
const outcome = (p: Promise<unknown>): Promise<string> => p.then(() => 'ok', (e: unknown) => (e as Error).name);

beforeAll(async () => {
  standin = await startAwsStandin({ accountRateLimit: { perSecond: 5 }, now: () => t });
});
afterAll(async () => {
  await standin.close();
});

describe('accountRateLimit', () => {
  it('throttles one account+Region beyond its budget in a sliding second, the others not', async () => {
    const first = await Promise.all(Array.from({ length: 8 }, () => outcome(sm(A).send(new ListModelsCommand({})))));
    expect(first.filter((o) => o === 'ok')).toHaveLength(5);
    expect(first.filter((o) => o === 'ThrottlingException')).toHaveLength(3);
    const err = await sm(A).send(new ListModelsCommand({})).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'ThrottlingException', message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } });

    // Another Region of A, another account, and other services are not counted against A's SageMaker budget here.
    expect(await outcome(sm(A, 'eu-west-1').send(new ListModelsCommand({})))).toBe('ok');
    expect(await outcome(sm(B).send(new ListModelsCommand({})))).toBe('ok');
    const sh = new SecurityHubClient({ endpoint: standin.url, region: 'us-east-1', credentials: standin.credentialsFor(A), maxAttempts: 1 });
    expect((await sh.send(new GetFindingsCommand({}))).Findings).toEqual([]);

    // The window slides: 999 ms later the first calls still count, 1000 ms later they do not.
    t += 999;
    expect(await outcome(sm(A).send(new ListModelsCommand({})))).toBe('ThrottlingException');
    t += 1;
    const next = await Promise.all(Array.from({ length: 6 }, () => outcome(sm(A).send(new ListModelsCommand({})))));
    expect(next.filter((o) => o === 'ok')).toHaveLength(5);

    // Everything A sent in us-east-1 in the first instant: 8 + 1, throttled ones included; admitted ones at most 5.
    expect(standin.peakCallsPerSecond({ service: 'sagemaker' })).toEqual({ accountId: A, region: 'us-east-1', calls: 10, windowStart: t - 1000 });
    expect(standin.peakCallsPerSecond({ service: 'sagemaker', throttled: false })?.calls).toBe(5);
    expect(standin.peakCallsPerSecond({ accountId: B })).toMatchObject({ accountId: B, calls: 1 });
    expect(standin.peakCallsPerSecond({ accountId: '700000000099' })).toBeUndefined();
  });

  it('burst adds to the per-second budget; the budget can change or be removed at runtime', async () => {
    t += 10_000;
    standin.accountRateLimit = { perSecond: 5, burst: 2 };
    const burst = await Promise.all(Array.from({ length: 9 }, () => outcome(sm(A).send(new ListModelsCommand({})))));
    expect(burst.filter((o) => o === 'ok')).toHaveLength(7);
    standin.accountRateLimit = undefined;
    expect(await outcome(sm(A).send(new ListModelsCommand({})))).toBe('ok');
  });
});

describe('accountRateLimit in real time', () => {
  it('the SDK retries through the budget and no second ever admits more than it', async () => {
    const live = await startAwsStandin({ accountRateLimit: { perSecond: 10 } });
    try {
      const client = new SageMakerClient({ endpoint: live.url, region: 'us-east-1', credentials: live.credentialsFor(A), maxAttempts: 10 });
      await Promise.all(Array.from({ length: 25 }, () => client.send(new ListModelsCommand({}))));
      expect(live.throttledCount()).toBeGreaterThan(0);
      expect(live.callCount('ListModels') - live.throttledCount()).toBe(25);
      expect(live.peakCallsPerSecond({ throttled: false })?.calls).toBe(10);
      expect(live.peakCallsPerSecond()!.calls).toBeGreaterThan(10);
    } finally {
      await live.close();
    }
  });
});
