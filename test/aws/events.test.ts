import { readFileSync } from 'node:fs';
import { AddTagsCommand, CreateNotebookInstanceCommand, DescribeNotebookInstanceCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createSqsClient } from '../../src/aws/clients.js';
import { startEventQueueConsumer, type EventQueueConsumer } from '../../src/aws/event-queue.js';
import { parseResourceEvent, type ResourceEvent } from '../../src/aws/events.js';
import { renderEventTemplates } from '../../src/deploy/event-templates.js';
import { startAwsStandin, type AwsStandin } from '../support/aws-standin/index.js';

const HUB = '111111111111';
const MEMBER = '222222222222';
const REGION = 'eu-west-1';
type Received = Extract<ResourceEvent, { type: 'resource' }>;

/** The patterns of the member template as committed (what a StackSet would deploy). */
function memberPatterns(): Record<string, unknown>[] {
  const template = parse(readFileSync(new URL('../../deploy/events-member.yaml', import.meta.url), 'utf8')) as { Resources: Record<string, { Type: string; Properties: { EventPattern?: Record<string, unknown> } }> };
  return Object.values(template.Resources).filter((r) => r.Type === 'AWS::Events::Rule').map((r) => r.Properties.EventPattern!);
}

let aws: AwsStandin;
let member: SageMakerClient;
let consumer: EventQueueConsumer | undefined;
let unroute: (() => void)[] = [];

beforeAll(async () => {
  aws = await startAwsStandin({ transitionDelayMs: 0 });
  member = new SageMakerClient({ region: REGION, endpoint: aws.url, credentials: aws.credentialsFor(MEMBER), maxAttempts: 1 });
});
afterAll(async () => {
  member.destroy();
  await aws.close();
});
afterEach(async () => {
  await consumer?.stop();
  consumer = undefined;
  for (const u of unroute) u();
  unroute = [];
});

let seq = 0;
function hubQueue(attributes: Record<string, string> = {}): { url: string; dlq: string } {
  const name = `events-${++seq}`;
  const dlq = aws.sqs.createQueue({ name: `${name}-dlq`, accountId: HUB, region: REGION });
  const q = aws.sqs.createQueue({ name, accountId: HUB, region: REGION, attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 2 }), ...attributes } });
  return { url: q.url, dlq: dlq.url };
}

function consume(queueUrl: string, handle: (e: Received) => Promise<void>, canEnqueue: () => boolean = () => true): EventQueueConsumer {
  const client = createSqsClient({ region: REGION, credentials: async () => aws.credentialsFor(HUB), maxAttempts: 1, endpoint: aws.url });
  consumer = startEventQueueConsumer({ client, queueUrl, handle, canEnqueue, waitSeconds: 1, pauseMs: 50 });
  return consumer;
}

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('event templates', () => {
  it('the committed deploy/ files are what the code generates (npm run deploy:templates)', () => {
    for (const [file, text] of Object.entries(renderEventTemplates())) {
      expect(readFileSync(new URL(`../../deploy/${file}`, import.meta.url), 'utf8'), `deploy/${file} drifted: run npm run deploy:templates`).toBe(text);
    }
  });

  it('the member rules forward SageMaker writes and SageMaker findings to the hub queue, and nothing else', async () => {
    const q = hubQueue();
    for (const pattern of memberPatterns()) unroute.push(aws.events.route({ pattern, queueUrl: q.url }));
    await member.send(new CreateNotebookInstanceCommand({ NotebookInstanceName: 'nb-root', InstanceType: 'ml.t3.medium', RoleArn: `arn:aws:iam::${MEMBER}:role/nb`, RootAccess: 'Enabled' }));
    await member.send(new DescribeNotebookInstanceCommand({ NotebookInstanceName: 'nb-root' })); // a read: not forwarded
    await member.send(new CreateNotebookInstanceCommand({ NotebookInstanceName: 'nb-root', InstanceType: 'ml.t3.medium', RoleArn: `arn:aws:iam::${MEMBER}:role/nb` })).catch(() => undefined); // fails: not forwarded
    await member.send(new AddTagsCommand({ ResourceArn: aws.arn('notebook-instance', MEMBER, REGION, 'nb-root'), Tags: [{ Key: 'team', Value: 'fraud-ml' }] }));
    aws.addControlFinding({ accountId: MEMBER, region: REGION, controlId: 'SageMaker.3', resourceArn: aws.arn('notebook-instance', MEMBER, REGION, 'nb-root') });
    aws.addControlFinding({ accountId: MEMBER, region: REGION, controlId: 'S3.1', resourceArn: 'arn:aws:s3:::bucket' });

    const got: Received[] = [];
    consume(q.url, async (e) => void got.push(e));
    await until(() => got.length === 3);
    expect(got.map((e) => [e.source, e.cause, e.ref.kind, e.ref.name, e.ref.accountId, e.ref.region, e.deleted])).toEqual([
      ['cloudtrail', 'CreateNotebookInstance', 'notebook-instance', 'nb-root', MEMBER, REGION, false],
      ['cloudtrail', 'AddTags', 'notebook-instance', 'nb-root', MEMBER, REGION, false],
      ['securityhub', 'SageMaker.3', 'notebook-instance', 'nb-root', MEMBER, REGION, false],
    ]);
    await until(() => aws.sqs.messages(q.url).length === 0);
  });
});

describe('parseResourceEvent', () => {
  const cloudTrail = (eventName: string, requestParameters: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    version: '0',
    id: 'e1',
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.sagemaker',
    account: MEMBER,
    time: '2026-12-06T10:00:00Z',
    region: REGION,
    resources: [],
    detail: { eventSource: 'sagemaker.amazonaws.com', eventName, awsRegion: REGION, recipientAccountId: MEMBER, requestParameters, ...extra },
  });

  it('names the resource each write changes, a delete as a delete, an endpoint change as its configuration', () => {
    const ref = (e: ResourceEvent) => (e.type === 'resource' ? [e.ref.kind, e.ref.name, e.deleted] : e.type);
    expect(ref(parseResourceEvent(cloudTrail('UpdateNotebookInstance', { notebookInstanceName: 'nb-1', rootAccess: 'Enabled' })))).toEqual(['notebook-instance', 'nb-1', false]);
    expect(ref(parseResourceEvent(cloudTrail('DeleteDataQualityJobDefinition', { jobDefinitionName: 'dq-1' })))).toEqual(['data-quality-job-definition', 'dq-1', true]);
    expect(ref(parseResourceEvent(cloudTrail('UpdateMonitoringSchedule', { monitoringScheduleName: 'ms-1' })))).toEqual(['monitoring-schedule', 'ms-1', false]);
    expect(ref(parseResourceEvent(cloudTrail('CreateInferenceExperiment', { name: 'ie-1' })))).toEqual(['inference-experiment', 'ie-1', false]);
    expect(ref(parseResourceEvent(cloudTrail('UpdateEndpoint', { endpointName: 'ep', endpointConfigName: 'ec-2' })))).toEqual(['endpoint-config', 'ec-2', false]);
    expect(ref(parseResourceEvent(cloudTrail('DeleteTags', { resourceArn: `arn:aws:sagemaker:${REGION}:${MEMBER}:image/img-1`, tagKeys: ['x'] })))).toEqual(['image', 'img-1', false]);
  });

  it('ignores failed calls and writes the audit does not cover; refuses shapes it does not know', () => {
    expect(parseResourceEvent(cloudTrail('CreateNotebookInstance', { notebookInstanceName: 'nb-1' }, { errorCode: 'ValidationException' })).type).toBe('ignored');
    expect(parseResourceEvent(cloudTrail('DeleteEndpoint', { endpointName: 'ep' })).type).toBe('ignored');
    expect(parseResourceEvent(cloudTrail('AddTags', { resourceArn: `arn:aws:sagemaker:${REGION}:${MEMBER}:training-job/t1` })).type).toBe('ignored');
    expect(parseResourceEvent(cloudTrail('UpdateNotebookInstance', {})).type).toBe('unknown');
    expect(parseResourceEvent(cloudTrail('UpdateNotebookInstance', { notebookInstanceName: 'bad name\n<!channel>' })).type).toBe('unknown');
    expect(parseResourceEvent({ ...cloudTrail('UpdateNotebookInstance', { notebookInstanceName: 'nb-1' }), account: 'x', detail: { eventName: 'UpdateNotebookInstance', awsRegion: REGION, recipientAccountId: 'x', requestParameters: { notebookInstanceName: 'nb-1' } } }).type).toBe('unknown');
    expect(parseResourceEvent('not an object').type).toBe('unknown');
    expect(parseResourceEvent({ source: 'aws.ec2', 'detail-type': 'EC2 Instance State-change Notification', detail: {} }).type).toBe('unknown');
  });
});

describe('the event queue consumer', () => {
  it('drops an event in an unknown shape (logged, deleted, never retried) and hands on the rest', async () => {
    const q = hubQueue();
    aws.sqs.send(q.url, '{"this":"is not an event"}');
    aws.sqs.send(q.url, 'not json at all');
    aws.sqs.send(q.url, JSON.stringify({ source: 'aws.sagemaker', 'detail-type': 'AWS API Call via CloudTrail', account: MEMBER, region: REGION, time: '2026-12-06T10:00:00Z', detail: { eventName: 'StopNotebookInstance', awsRegion: REGION, recipientAccountId: MEMBER, requestParameters: { notebookInstanceName: 'nb-9' } } }));
    const got: Received[] = [];
    const c = consume(q.url, async (e) => void got.push(e));
    await until(() => c.stats.unknown === 2 && got.length === 1);
    await until(() => aws.sqs.messages(q.url).length === 0);
    expect(got[0]!.ref.name).toBe('nb-9');
    expect(aws.sqs.deadLetters(q.url)).toEqual([]);
  });

  it('a message whose hand-off keeps failing is delivered again and ends in the dead-letter queue after maxReceiveCount', async () => {
    const q = hubQueue({ VisibilityTimeout: '1' });
    aws.sqs.send(q.url, JSON.stringify({ source: 'aws.sagemaker', 'detail-type': 'AWS API Call via CloudTrail', account: MEMBER, region: REGION, time: '2026-12-06T10:00:00Z', detail: { eventName: 'UpdateNotebookInstance', awsRegion: REGION, recipientAccountId: MEMBER, requestParameters: { notebookInstanceName: 'poison' } } }));
    let attempts = 0;
    consume(q.url, async () => {
      attempts += 1;
      throw new Error('queue refused the job');
    });
    await until(() => aws.sqs.deadLetters(q.url).length === 1, 10_000);
    expect(attempts).toBe(2);
    expect(aws.sqs.messages(q.url)).toEqual([]);
  });

  it('receives nothing while jobs cannot be queued (an outage never pushes good messages to the dead-letter queue)', async () => {
    const q = hubQueue();
    aws.sqs.send(q.url, JSON.stringify({ source: 'aws.sagemaker', 'detail-type': 'AWS API Call via CloudTrail', account: MEMBER, region: REGION, time: '2026-12-06T10:00:00Z', detail: { eventName: 'UpdateNotebookInstance', awsRegion: REGION, recipientAccountId: MEMBER, requestParameters: { notebookInstanceName: 'waits' } } }));
    let ready = false;
    const got: Received[] = [];
    aws.resetCounters();
    consume(q.url, async (e) => void got.push(e), () => ready);
    await new Promise((r) => setTimeout(r, 300));
    expect(aws.callCount('ReceiveMessage')).toBe(0);
    ready = true;
    await until(() => got.length === 1);
  });

  it('stop() ends an open long poll at once', async () => {
    const q = hubQueue();
    const client = createSqsClient({ region: REGION, credentials: async () => aws.credentialsFor(HUB), maxAttempts: 1, endpoint: aws.url });
    const c = startEventQueueConsumer({ client, queueUrl: q.url, handle: async () => undefined, canEnqueue: () => true, waitSeconds: 20 });
    await until(() => aws.callCount('ReceiveMessage') > 0);
    const t0 = Date.now();
    await c.stop();
    expect(Date.now() - t0).toBeLessThan(1000);
  });
});
