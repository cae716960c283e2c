import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { collectInventory, needsFor } from '../../src/aws/inventory.js';
import { getControl } from '../../src/controls/index.js';
import { ACCOUNT, ROLE_ARN, callsByOperation, createNotebooks, factoryFor, useFakeCredentials } from '../audit/standin-helpers.js';
import { startAwsStandin, type AwsStandin } from '../support/aws-standin/index.js';

useFakeCredentials();
let standin: AwsStandin;

beforeAll(async () => {
  standin = await startAwsStandin({ transitionDelayMs: 0 });
  createNotebooks(standin, ACCOUNT, 'us-east-1', 250);
  for (let i = 0; i < 120; i++) {
    standin.invoke('CreateAppImageConfig', { AppImageConfigName: `aic-${i}`, Tags: i % 3 === 0 ? [] : [{ Key: 'team', Value: 'ml' }] }, { accountId: ACCOUNT, region: 'us-east-1' });
  }
  standin.invoke('CreateImage', { ImageName: 'img-1', RoleArn: ROLE_ARN }, { accountId: ACCOUNT, region: 'us-east-1' });
});
afterAll(async () => {
  await standin.close();
});
afterEach(() => {
  standin.clearFaults();
  standin.resetCounters();
  standin.throttleRate = 0;
});

function target(region = 'us-east-1') {
  return { accountId: ACCOUNT, region, sagemaker: factoryFor(standin).aws({ region }).sagemaker };
}
const controls = (...ids: string[]) => ids.map((id) => getControl(id)!);

describe('collectInventory', () => {
  it('reads only what SageMaker.3 needs: 3 list pages for 250 notebooks and one Describe each, nothing else', async () => {
    standin.resetCounters();
    const inv = await collectInventory(target(), needsFor(controls('SageMaker.3')), { concurrency: 8 });
    expect(callsByOperation(standin)).toEqual({ ListNotebookInstances: 3, DescribeNotebookInstance: 250 });
    expect(inv.calls).toEqual({ ListNotebookInstances: 3, DescribeNotebookInstance: 250 });
    expect(inv.errors).toEqual([]);
    expect(inv.snapshots).toHaveLength(250);
    expect(new Set(inv.snapshots.map((s) => s.ref.name)).size).toBe(250);
    expect(inv.snapshots.every((s) => (s.detail as { NotebookInstanceName?: string } | undefined)?.NotebookInstanceName === s.ref.name && s.tags === undefined)).toBe(true);
    // Every List page asked for the maximum page size.
    expect(standin.calls.filter((c) => c.operation === 'ListNotebookInstances').every((c) => c.input.MaxResults === 100)).toBe(true);
  });

  it('tag controls (SageMaker.6, .7) need List + ListTags only, no Describe', async () => {
    const inv = await collectInventory(target(), needsFor(controls('SageMaker.6', 'SageMaker.7')), { concurrency: 8 });
    expect(callsByOperation(standin)).toEqual({ ListAppImageConfigs: 2, ListImages: 1, ListTags: 121 });
    expect(inv.snapshots).toHaveLength(121);
    const tagged = inv.snapshots.find((s) => s.ref.name === 'aic-1');
    expect(tagged?.tags).toEqual({ team: 'ml' });
    expect(tagged?.detail).toBeUndefined();
    expect(inv.snapshots.find((s) => s.ref.name === 'aic-0')?.tags).toEqual({});
  });

  it('keeps a resource whose Describe failed, without detail and with a readError', async () => {
    standin.failNext('DescribeNotebookInstance', { code: 'AccessDeniedException', message: 'denied', status: 400 }, {
      count: 20,
      match: (input) => input.NotebookInstanceName === 'nb-0007',
    });
    const inv = await collectInventory(target(), needsFor(controls('SageMaker.3')), { concurrency: 8 });
    expect(inv.snapshots).toHaveLength(250);
    const failed = inv.snapshots.find((s) => s.ref.name === 'nb-0007');
    expect(failed?.detail).toBeUndefined();
    expect(failed?.readErrors?.[0]).toMatchObject({ operation: 'DescribeNotebookInstance', code: 'AccessDeniedException', resourceArn: failed?.ref.arn });
    expect(inv.errors).toHaveLength(1);
  });

  it('a failed List is a ReadError for the account/region/operation', async () => {
    standin.failNext('ListNotebookInstances', { code: 'AccessDeniedException', message: 'no list for you', status: 400 });
    const inv = await collectInventory(target(), needsFor(controls('SageMaker.3')), { concurrency: 4 });
    expect(inv.snapshots).toHaveLength(0);
    expect(inv.errors).toEqual([
      { accountId: ACCOUNT, region: 'us-east-1', service: 'sagemaker', operation: 'ListNotebookInstances', code: 'AccessDeniedException', message: 'no list for you' },
    ]);
    expect(callsByOperation(standin)).toEqual({ ListNotebookInstances: 1 });
  });

  it('applies the resource filter after List and before Describe (by name or ARN, case-insensitively)', async () => {
    const byName = await collectInventory(target(), needsFor(controls('SageMaker.3')), { concurrency: 8, resource: 'nb-0042' });
    expect(byName.snapshots.map((s) => s.ref.name)).toEqual(['nb-0042']);
    expect(callsByOperation(standin)).toEqual({ ListNotebookInstances: 3, DescribeNotebookInstance: 1 });
    standin.resetCounters();
    const arn = `arn:aws:sagemaker:us-east-1:${ACCOUNT}:notebook-instance/NB-0043`;
    const byArn = await collectInventory(target(), needsFor(controls('SageMaker.3')), { concurrency: 8, resource: arn });
    expect(byArn.snapshots.map((s) => s.ref.name)).toEqual(['nb-0043']);
    expect(standin.callCount('DescribeNotebookInstance')).toBe(1);
  });

  it('never has more calls in flight than the concurrency', async () => {
    let inFlight = 0;
    let peak = 0;
    standin.latencyMs = () => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      setTimeout(() => inFlight--, 5);
      return 5;
    };
    try {
      await collectInventory(target(), needsFor(controls('SageMaker.3')), { concurrency: 3 });
    } finally {
      standin.latencyMs = 0;
    }
    expect(peak).toBeLessThanOrEqual(3);
    expect(peak).toBeGreaterThan(1);
  });

  it('streams snapshots to onSnapshot without keeping them', async () => {
    const seen: string[] = [];
    const inv = await collectInventory(target(), needsFor(controls('SageMaker.8')), { concurrency: 8, onSnapshot: (s) => seen.push(s.ref.name) });
    expect(seen).toHaveLength(250);
    expect(inv.snapshots).toEqual([]);
  });
});
