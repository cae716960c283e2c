import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { accountClients, type AccountClients } from '../../src/aws/clients.js';
import { expireRisks, syncRisk } from '../../src/risks/jobs.js';
import { RiskStore } from '../../src/risks/store.js';
import { AuditTrail } from '../../src/trail.js';
import { factoryFor, useFakeCredentials } from '../audit/standin-helpers.js';
import { startAwsStandin, type AwsStandin } from '../support/aws-standin/index.js';
import { deletePrefix, testRedis, uniquePrefix } from '../queue/redis.js';

useFakeCredentials();
const A = '111111111111';
let standin: AwsStandin;
let access: AccountClients;
let redis: Redis;
let prefix = '';

beforeAll(async () => {
  standin = await startAwsStandin();
  access = accountClients(factoryFor(standin), undefined);
  redis = testRedis();
});
afterAll(async () => {
  access.close();
  await redis.quit();
  await standin.close();
});
afterEach(async () => {
  standin.state.clear();
  standin.resetCounters();
  await deletePrefix(redis, prefix);
});

const ecArn = (n: string, region = 'us-east-1') => `arn:aws:sagemaker:${region}:${A}:endpoint-config/${n}`;
const workflow = (region: string) => standin.region(A, region).securityHub.findings.map((f) => [f.Resources?.[0]?.Id, f.Workflow?.Status, f.Note?.Text]);
const regions = ['us-east-1', 'eu-west-1'];

describe('Security Hub sync of accepted risks (AWS stand-in)', () => {
  it('resource scope: suppresses that resource’s finding with a note; expiry sets it back to NEW', async () => {
    prefix = uniquePrefix('risk-sh');
    const store = new RiskStore(redis, prefix, new AuditTrail(redis, prefix));
    standin.addControlFinding({ accountId: A, region: 'us-east-1', controlId: 'SageMaker.4', resourceArn: ecArn('dev-ec') });
    standin.addControlFinding({ accountId: A, region: 'us-east-1', controlId: 'SageMaker.4', resourceArn: ecArn('prod-ec') });
    const risk = await store.accept(
      { target: { controlId: 'SageMaker.4', accountId: A, region: 'us-east-1', resourceArn: ecArn('dev-ec'), resourceName: 'dev-ec' }, scope: 'resource', reason: 'dev endpoint, one instance is fine', expiresAt: '2026-12-01T00:00:00.000Z', acceptedBy: 'U0APPROVER' },
      new Date('2026-11-26T00:00:00Z'),
    );
    const deps = { risks: store, securityHub: access, regions };
    expect(await syncRisk({ riskId: risk.id, action: 'suppress' }, deps)).toEqual({ findings: 1, unprocessed: 0 });
    expect(workflow('us-east-1')).toEqual([
      [ecArn('dev-ec'), 'SUPPRESSED', expect.stringContaining('dev endpoint, one instance is fine')],
      [ecArn('prod-ec'), 'NEW', undefined],
    ]);
    expect((await store.get(risk.id))?.securityHub?.findings).toHaveLength(1);

    const expired = await expireRisks({ risks: store, securityHub: access, regions }, new Date('2026-12-01T00:00:00Z'));
    expect(expired.map((r) => r.id)).toEqual([risk.id]);
    expect(workflow('us-east-1')[0]).toEqual([ecArn('dev-ec'), 'NEW', expect.stringContaining('expired')]);
  });

  it('control in account: every region, chunked ≤100 per BatchUpdateFindings; revocation restores them', async () => {
    prefix = uniquePrefix('risk-sh2');
    const store = new RiskStore(redis, prefix);
    for (let i = 0; i < 150; i++) standin.addControlFinding({ accountId: A, region: 'us-east-1', controlId: 'SageMaker.4', resourceArn: ecArn(`ec-${i}`) });
    for (let i = 0; i < 3; i++) standin.addControlFinding({ accountId: A, region: 'eu-west-1', controlId: 'SageMaker.4', resourceArn: ecArn(`eu-${i}`, 'eu-west-1') });
    standin.addControlFinding({ accountId: A, region: 'us-east-1', controlId: 'SageMaker.5', resourceArn: `arn:aws:sagemaker:us-east-1:${A}:model/m` });
    const risk = await store.accept({
      target: { controlId: 'SageMaker.4', accountId: A, region: 'us-east-1', resourceArn: ecArn('ec-0'), resourceName: 'ec-0' },
      scope: 'control-in-account',
      reason: 'sandbox account',
      expiresAt: '2027-01-01T00:00:00.000Z',
      acceptedBy: 'U0APPROVER',
    });
    const deps = { risks: store, securityHub: access, regions };
    expect(await syncRisk({ riskId: risk.id, action: 'suppress' }, deps)).toEqual({ findings: 153, unprocessed: 0 });
    const updates = standin.calls.filter((c) => c.operation === 'BatchUpdateFindings');
    expect(updates.map((c) => [c.region, (c.input.FindingIdentifiers as unknown[]).length])).toEqual([
      ['us-east-1', 100],
      ['us-east-1', 50],
      ['eu-west-1', 3],
    ]);
    expect(workflow('us-east-1').filter(([, s]) => s === 'SUPPRESSED')).toHaveLength(150);
    expect(workflow('us-east-1').find(([id]) => String(id).endsWith(':model/m'))?.[1]).toBe('NEW');

    await store.revoke(risk.id, 'U0APPROVER');
    expect(await syncRisk({ riskId: risk.id, action: 'restore' }, deps)).toEqual({ findings: 153, unprocessed: 0 });
    expect(workflow('us-east-1').every(([, s]) => s === 'NEW')).toBe(true);
    expect(workflow('eu-west-1').every(([, s, note]) => s === 'NEW' && String(note).includes('revoked by U0APPROVER'))).toBe(true);
  });
});
