import { CreateNotebookInstanceCommand, DescribeNotebookInstanceCommand, SageMakerClient, StopNotebookInstanceCommand } from '@aws-sdk/client-sagemaker';
import { BatchUpdateFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Message } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matchesPattern, validatePattern } from './events.js';
import type { EventPattern } from './events.js';
import type { AwsStandin, Json } from './index.js';
import { startAwsStandin } from './index.js';

const HUB = '111111111111';
const MEMBER = '222222222222';
const hubCredentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'x' };

/** The rule our CloudFormation template deploys for SageMaker writes (failed calls dropped). */
const SAGEMAKER_WRITES: EventPattern = {
  source: ['aws.sagemaker'],
  'detail-type': ['AWS API Call via CloudTrail'],
  detail: {
    eventSource: ['sagemaker.amazonaws.com'],
    eventName: ['CreateNotebookInstance', 'UpdateNotebookInstance', 'StopNotebookInstance', 'CreateEndpointConfig'],
    errorCode: [{ exists: false }],
  },
};
const FAILED_SAGEMAKER_CONTROLS: EventPattern = {
  source: ['aws.securityhub'],
  'detail-type': ['Security Hub Findings - Imported'],
  detail: { findings: { Compliance: { SecurityControlId: [{ prefix: 'SageMaker.' }], Status: ['FAILED'] }, RecordState: ['ACTIVE'], Workflow: { Status: ['NEW', 'NOTIFIED'] } } },
};

describe('event pattern matching', () => {
  const event = {
    source: 'aws.sagemaker',
    'detail-type': 'AWS API Call via CloudTrail',
    account: MEMBER,
    resources: ['arn:a', 'arn:b'],
    detail: { eventName: 'CreateModel', count: 5, flag: false, nothing: null, requestParameters: { modelName: 'm1', tags: [{ key: 'team', value: 'ml' }] } },
  };
  const cases: Array<[string, EventPattern, boolean]> = [
    ['exact values, any of the list', { source: ['aws.ec2', 'aws.sagemaker'] }, true],
    ['exact values are case-sensitive', { source: ['AWS.SageMaker'] }, false],
    ['every field must match', { source: ['aws.sagemaker'], account: ['333333333333'] }, false],
    ['nested detail fields', { detail: { eventName: ['CreateModel'], requestParameters: { modelName: ['m1'] } } }, true],
    ['prefix', { detail: { eventName: [{ prefix: 'Create' }] } }, true],
    ['suffix', { detail: { eventName: [{ suffix: 'Endpoint' }] } }, false],
    ['exists false on an absent field', { detail: { errorCode: [{ exists: false }] } }, true],
    ['exists true on an absent field', { detail: { errorCode: [{ exists: true }] } }, false],
    ['exists only looks at leaves: an object counts as absent', { detail: { requestParameters: [{ exists: false }] } }, true],
    ['anything-but a value', { detail: { eventName: [{ 'anything-but': 'DeleteModel' }] } }, true],
    ['anything-but a list', { detail: { eventName: [{ 'anything-but': ['CreateModel', 'DeleteModel'] }] } }, false],
    ['anything-but a prefix', { detail: { eventName: [{ 'anything-but': { prefix: 'Create' } }] } }, false],
    ['anything-but never matches an absent field', { detail: { errorCode: [{ 'anything-but': 'AccessDenied' }] } }, false],
    ['event arrays: a non-empty intersection', { resources: ['arn:b', 'arn:z'] }, true],
    ['event arrays: no intersection', { resources: ['arn:z'] }, false],
    ['nested pattern over an array of objects', { detail: { requestParameters: { tags: { key: ['team'], value: ['ml'] } } } }, true],
    ['...all of it within one element', { detail: { requestParameters: { tags: { key: ['team'], value: ['ops'] } } } }, false],
    ['numeric ranges', { detail: { count: [{ numeric: ['>', 0, '<=', 5] }] } }, true],
    ['booleans and null match as JSON values', { detail: { flag: [false], nothing: [null] } }, true],
    ['numbers are not strings', { detail: { count: ['5'] } }, false],
  ];
  it.each(cases)('%s', (_name, pattern, expected) => {
    validatePattern(pattern);
    expect(matchesPattern(pattern, event)).toBe(expected);
  });

  it('rejects patterns EventBridge would reject', () => {
    expect(() => validatePattern({ source: 'aws.sagemaker' })).toThrow('Event pattern is not valid. Reason: Match value for "source" must be a non-empty array');
    expect(() => validatePattern({ detail: { eventName: [{ wildcard: 'Create*', prefix: 'C' }] } })).toThrow(/Unrecognized match type/);
    expect(() => validatePattern({ detail: { x: [{ numeric: ['>>', 1] }] } })).toThrow(/numeric/);
  });
});

describe('delivery to SQS', () => {
  let standin: AwsStandin;
  let hubQueue: string;
  const member = (): SageMakerClient => new SageMakerClient({ endpoint: standin.url, region: 'eu-west-1', credentials: standin.credentialsFor(MEMBER), maxAttempts: 1 });
  const sqs = (): SQSClient => new SQSClient({ endpoint: standin.url, region: 'us-east-1', credentials: hubCredentials, maxAttempts: 1 });
  /** Receive and delete everything currently in the queue (bounded long poll for the first message). */
  async function drain(queueUrl: string, waitSeconds = 0): Promise<Json[]> {
    const out: Message[] = [];
    for (;;) {
      const r = await sqs().send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: out.length === 0 ? waitSeconds : 0 }));
      if (!r.Messages) break;
      out.push(...r.Messages);
      for (const m of r.Messages) await sqs().send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }));
    }
    return out.map((m) => JSON.parse(m.Body!) as Json);
  }
  const nb = (name: string) => new CreateNotebookInstanceCommand({ NotebookInstanceName: name, InstanceType: 'ml.t3.medium', RoleArn: `arn:aws:iam::${MEMBER}:role/nb` });

  beforeAll(async () => {
    standin = await startAwsStandin({ transitionDelayMs: 0 });
    hubQueue = standin.sqs.createQueue({ name: 'sagemaker-events', accountId: HUB }).url;
  });
  afterAll(async () => {
    await standin.close();
  });

  it("a member account's SageMaker write reaches the hub queue as an 'AWS API Call via CloudTrail' event", async () => {
    const unroute = standin.events.route({ pattern: SAGEMAKER_WRITES, queueUrl: hubQueue });
    try {
      await member().send(nb('evented'));
      await member().send(new DescribeNotebookInstanceCommand({ NotebookInstanceName: 'evented' }));
      const dup = await member().send(nb('evented')).catch((e: unknown) => e);
      expect(dup).toMatchObject({ name: 'ValidationException' });
      const events = await drain(hubQueue);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        version: '0',
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        'detail-type': 'AWS API Call via CloudTrail',
        source: 'aws.sagemaker',
        account: MEMBER,
        region: 'eu-west-1',
        resources: [],
        detail: {
          eventSource: 'sagemaker.amazonaws.com',
          eventName: 'CreateNotebookInstance',
          recipientAccountId: MEMBER,
          requestParameters: { notebookInstanceName: 'evented', instanceType: 'ml.t3.medium' },
          responseElements: { notebookInstanceArn: `arn:aws:sagemaker:eu-west-1:${MEMBER}:notebook-instance/evented` },
          userIdentity: { type: 'IAMUser', accountId: MEMBER },
        },
      });
      expect(Date.parse(events[0]!.time as string)).not.toBeNaN();
    } finally {
      unroute();
    }
  });

  it('failed calls carry errorCode (a rule without the exists filter gets them); read-only calls are never delivered', async () => {
    const all = standin.sqs.createQueue({ name: 'all-sagemaker', accountId: HUB }).url;
    const unroute = standin.events.route({ pattern: { source: ['aws.sagemaker'] }, queueUrl: all });
    try {
      await member().send(nb('twice'));
      await member().send(nb('twice')).catch(() => undefined);
      await member().send(new DescribeNotebookInstanceCommand({ NotebookInstanceName: 'twice' }));
      const events = await drain(all);
      expect(events.map((e) => [(e.detail as Json).eventName, (e.detail as Json).errorCode])).toEqual([
        ['CreateNotebookInstance', undefined],
        ['CreateNotebookInstance', 'ValidationException'],
      ]);
      expect(events[1]).toMatchObject({ detail: { errorMessage: expect.stringContaining('Cannot create a duplicate Notebook Instance'), responseElements: null } });
    } finally {
      unroute();
    }
  });

  it('delayMs delays delivery; a long poll picks the event up when it lands', async () => {
    const unroute = standin.events.route({ pattern: SAGEMAKER_WRITES, queueUrl: hubQueue, delayMs: 1000 });
    try {
      const t0 = Date.now();
      await member().send(nb('slow'));
      expect(standin.sqs.messages(hubQueue)).toEqual([]);
      const events = await drain(hubQueue, 10);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(1000);
      expect(events.map((e) => (e.detail as Json).requestParameters)).toEqual([{ notebookInstanceName: 'slow', instanceType: 'ml.t3.medium', roleArn: `arn:aws:iam::${MEMBER}:role/nb` }]);
    } finally {
      unroute();
    }
  });

  it('Security Hub emits one Findings - Imported event per new or changed finding', async () => {
    const findingsQueue = standin.sqs.createQueue({ name: 'findings', accountId: HUB }).url;
    const unroute = standin.events.route({ pattern: FAILED_SAGEMAKER_CONTROLS, queueUrl: findingsQueue });
    try {
      const resourceArn = `arn:aws:sagemaker:eu-west-1:${MEMBER}:notebook-instance/evented`;
      const failed = standin.addControlFinding({ accountId: MEMBER, region: 'eu-west-1', controlId: 'SageMaker.3', resourceArn });
      standin.addControlFinding({ accountId: MEMBER, region: 'eu-west-1', controlId: 'SageMaker.2', resourceArn, status: 'PASSED' });
      standin.addControlFinding({ accountId: MEMBER, region: 'eu-west-1', controlId: 'EC2.1', resourceArn: 'arn:aws:ec2:eu-west-1:2:instance/i-1' });
      const [imported, ...rest] = await drain(findingsQueue);
      expect(rest).toEqual([]);
      expect(imported).toMatchObject({
        'detail-type': 'Security Hub Findings - Imported',
        source: 'aws.securityhub',
        account: MEMBER,
        region: 'eu-west-1',
        resources: [`${failed.ProductArn}/${failed.Id}`],
        detail: { findings: [{ Id: failed.Id, AwsAccountId: MEMBER, Compliance: { SecurityControlId: 'SageMaker.3', Status: 'FAILED' }, Resources: [{ Id: resourceArn }] }] },
      });
      expect((imported!.detail as Json).findings).toHaveLength(1);

      // The bot's own suppression is an update too: it emits, but no longer matches NEW/NOTIFIED.
      const before = standin.events.log.length;
      const sh = new SecurityHubClient({ endpoint: standin.url, region: 'eu-west-1', credentials: standin.credentialsFor(MEMBER), maxAttempts: 1 });
      await sh.send(new BatchUpdateFindingsCommand({ FindingIdentifiers: [{ Id: failed.Id, ProductArn: failed.ProductArn }], Workflow: { Status: 'SUPPRESSED' } }));
      const emitted = standin.events.log.slice(before).map((e) => e['detail-type']);
      expect(emitted).toEqual(['Security Hub Findings - Imported', 'AWS API Call via CloudTrail']);
      expect(await drain(findingsQueue)).toEqual([]);

      // Re-importing it as NEW (a control that failed again) is delivered.
      standin.importFindings([{ ...failed, Workflow: { Status: 'NEW' }, UpdatedAt: new Date().toISOString() }]);
      expect((await drain(findingsQueue)).map((e) => ((e.detail as Json).findings as Json[])[0]!.Id)).toEqual([failed.Id]);
    } finally {
      unroute();
    }
  });

  it('events.put injects arbitrary events, delivered when they match', async () => {
    const unroute = standin.events.route({ pattern: SAGEMAKER_WRITES, queueUrl: hubQueue });
    try {
      const malformed = { source: 'aws.sagemaker', 'detail-type': 'AWS API Call via CloudTrail', detail: { eventName: 'StopNotebookInstance' } };
      expect(standin.events.put(malformed)).toBe(0);
      const handcrafted = { ...malformed, detail: { eventSource: 'sagemaker.amazonaws.com', eventName: 'StopNotebookInstance', requestParameters: null } };
      expect(standin.events.put(handcrafted)).toBe(1);
      expect(await drain(hubQueue)).toEqual([handcrafted]);
    } finally {
      unroute();
    }
  });

  it('a narrower rule (one eventName) gets only that write', async () => {
    const unroute = standin.events.route({ pattern: { ...SAGEMAKER_WRITES, detail: { eventName: ['StopNotebookInstance'] } }, queueUrl: hubQueue });
    try {
      await member().send(new StopNotebookInstanceCommand({ NotebookInstanceName: 'evented' }));
      const [stopped] = await drain(hubQueue);
      expect(stopped).toMatchObject({ detail: { eventName: 'StopNotebookInstance', requestParameters: { notebookInstanceName: 'evented' }, responseElements: null } });
    } finally {
      unroute();
    }
  });
});
