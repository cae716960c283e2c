import { AccountClient, ListRegionsCommand } from '@aws-sdk/client-account';
import { DescribeNotebookInstanceCommand, DescribeModelCommand, SageMakerClient, paginateListMonitoringSchedules, paginateListNotebookInstances } from '@aws-sdk/client-sagemaker';
import { SecurityHubClient, paginateGetFindings } from '@aws-sdk/client-securityhub';
import { afterEach, describe, expect, it } from 'vitest';
import { seedDemoFleet, seedFleet } from '../fleet.js';
import type { AwsStandin } from './index.js';
import { startAwsStandin } from './index.js';

const credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'x' };
const open: AwsStandin[] = [];
const start = async (): Promise<AwsStandin> => {
  const s = await startAwsStandin({ transitionDelayMs: 0 });
  open.push(s);
  return s;
};
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

describe('seedFleet', () => {
  it('is deterministic for a seed and mixes every kind', async () => {
    const opts = { accounts: ['111111111111', '222222222222'], regions: ['us-east-1', 'eu-west-1'], resourcesTotal: 400, seed: 3, failingRatio: 0.4 };
    const a = seedFleet(await start(), opts);
    const b = seedFleet(await start(), opts);
    expect(a.resources.map((r) => [r.arn, r.failing.join()])).toEqual(b.resources.map((r) => [r.arn, r.failing.join()]));
    expect(a.resources.length).toBeGreaterThanOrEqual(400);
    const kinds = new Set(a.resources.map((r) => r.kind));
    for (const k of ['notebook-instance', 'data-quality-job-definition', 'model-quality-job-definition', 'model-bias-job-definition', 'model-explainability-job-definition', 'monitoring-schedule', 'model', 'endpoint-config', 'feature-group', 'inference-experiment', 'app-image-config', 'image']) {
      expect(kinds, k).toContain(k);
    }
    const failing = a.resources.filter((r) => r.failing.length > 0).length;
    expect(failing / a.resources.length).toBeGreaterThan(0.15);
    expect(a.failuresWithoutFinding.length).toBeGreaterThan(0);
    expect(a.failedFindings).toBeGreaterThan(a.failuresWithoutFinding.length);
  });

  it('creates what it reports, readable through the SDK, with matching findings', async () => {
    const standin = await start();
    const summary = seedFleet(standin, { accounts: ['111111111111'], regions: ['us-east-1'], resourcesTotal: 150, seed: 11 });
    const client = new SageMakerClient({ endpoint: standin.url, region: 'us-east-1', credentials, maxAttempts: 1 });
    let notebooks = 0;
    for await (const p of paginateListNotebookInstances({ client, pageSize: 100 }, {})) notebooks += p.NotebookInstances?.length ?? 0;
    expect(notebooks).toBe(summary.resources.filter((r) => r.kind === 'notebook-instance').length);

    const nb = summary.resources.find((r) => r.kind === 'notebook-instance' && r.failing.includes('SageMaker.3'))!;
    expect((await client.send(new DescribeNotebookInstanceCommand({ NotebookInstanceName: nb.name }))).RootAccess).toBe('Enabled');
    const m = summary.resources.find((r) => r.kind === 'model' && r.failing.includes('SageMaker.5'))!;
    expect((await client.send(new DescribeModelCommand({ ModelName: m.name }))).EnableNetworkIsolation).toBe(false);

    let byDefinition = 0;
    for await (const p of paginateListMonitoringSchedules({ client }, {})) byDefinition += (p.MonitoringScheduleSummaries ?? []).filter((s) => s.MonitoringJobDefinitionName).length;
    expect(byDefinition).toBe(summary.resources.filter((r) => r.kind.endsWith('-job-definition')).length);

    const sh = new SecurityHubClient({ endpoint: standin.url, region: 'us-east-1', credentials, maxAttempts: 1 });
    let failed = 0;
    for await (const p of paginateGetFindings({ client: sh }, { Filters: { ComplianceStatus: [{ Comparison: 'EQUALS', Value: 'FAILED' }] } })) failed += p.Findings?.length ?? 0;
    expect(failed).toBe(summary.failedFindings + summary.driftFindings.length);
  });

  it('enables the opt-in Regions it seeds for its accounts, and only those', async () => {
    const standin = await start();
    seedFleet(standin, { accounts: ['111111111111'], regions: ['us-east-1', 'ap-east-1'], resourcesTotal: 40, seed: 5 });
    const client = new SageMakerClient({ endpoint: standin.url, region: 'ap-east-1', credentials, maxAttempts: 1 });
    let notebooks = 0;
    for await (const p of paginateListNotebookInstances({ client }, {})) notebooks += p.NotebookInstances?.length ?? 0;
    expect(notebooks).toBeGreaterThan(0);
    const regions = (await new AccountClient({ endpoint: standin.url, region: 'us-east-1', credentials, maxAttempts: 1 }).send(new ListRegionsCommand({}))).Regions ?? [];
    const status = Object.fromEntries(regions.map((r) => [r.RegionName, r.RegionOptStatus]));
    expect([status['ap-east-1'], status['us-east-1'], status['me-south-1']]).toEqual(['ENABLED', 'ENABLED_BY_DEFAULT', 'DISABLED']);
  });
});

describe('seedDemoFleet', () => {
  it('seeds a small readable fleet in two regions', async () => {
    const standin = await start();
    const s = seedDemoFleet(standin);
    expect(s.resources.length).toBeGreaterThanOrEqual(12);
    expect(new Set(s.resources.map((r) => r.region))).toEqual(new Set(['us-east-1', 'eu-west-1']));
    expect(s.resources.find((r) => r.name === 'research-notebook')?.failing).toEqual(expect.arrayContaining(['SageMaker.1', 'SageMaker.3', 'SageMaker.8']));
    expect(s.resources.some((r) => r.failing.length === 0)).toBe(true);
    expect(s.driftFindings).toHaveLength(1);
  });
});
