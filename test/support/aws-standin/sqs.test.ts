import { createHash } from 'node:crypto';
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SQSClient,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import type { SQSClientConfig } from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AwsStandin } from './index.js';
import { startAwsStandin } from './index.js';

const credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'x' };
const ACCOUNT = '111111111111';
let standin: AwsStandin;
// Visibility and delays run on the stand-in's clock: `advance` moves it without sleeping.
let offset = 0;
const advance = (seconds: number): void => {
  offset += seconds * 1000;
};
const caught = (p: Promise<unknown>): Promise<unknown> => p.then(() => undefined, (e: unknown) => e);
const sqs = (config: SQSClientConfig = {}): SQSClient => new SQSClient({ endpoint: standin.url, region: 'us-east-1', credentials, maxAttempts: 1, ...config });
const md5 = (s: string): string => createHash('md5').update(s, 'utf8').digest('hex');
let queueSeq = 0;
const queueName = (): string => `q-${++queueSeq}`;
/** A fresh queue holding one message, 'job'. */
const jobQueue = (): string => {
  const url = standin.sqs.createQueue({ name: queueName() }).url;
  standin.sqs.send(url, 'job');
  return url;
};
const receiptOf = async (client: SQSClient, url: string, visibility: number): Promise<string> =>
  (await client.send(new ReceiveMessageCommand({ QueueUrl: url, VisibilityTimeout: visibility }))).Messages![0]!.ReceiptHandle!;

beforeAll(async () => {
  standin = await startAwsStandin({ now: () => Date.now() + offset });
});
afterAll(async () => {
  await standin.close();
});

describe('queues over the JSON protocol', () => {
  it('CreateQueue/GetQueueUrl answer stand-in URLs; attributes have SQS defaults; a missing queue is QueueDoesNotExist', async () => {
    const client = sqs();
    const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: 'jobs', Attributes: { VisibilityTimeout: '45' } }));
    expect(QueueUrl).toBe(`${standin.url}/${ACCOUNT}/jobs`);
    expect((await client.send(new GetQueueUrlCommand({ QueueName: 'jobs' }))).QueueUrl).toBe(QueueUrl);
    // Same name and attributes: the existing queue. Different attributes: an error.
    expect((await client.send(new CreateQueueCommand({ QueueName: 'jobs', Attributes: { VisibilityTimeout: '45' } }))).QueueUrl).toBe(QueueUrl);
    const clash = await caught(client.send(new CreateQueueCommand({ QueueName: 'jobs', Attributes: { VisibilityTimeout: '60' } })));
    expect(clash).toMatchObject({ name: 'QueueNameExists', message: 'A queue already exists with the same name and a different value for attribute VisibilityTimeout' });

    const { Attributes } = await client.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }));
    expect(Attributes).toMatchObject({
      QueueArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:jobs`,
      VisibilityTimeout: '45',
      ReceiveMessageWaitTimeSeconds: '0',
      MaximumMessageSize: '1048576',
      MessageRetentionPeriod: '345600',
      DelaySeconds: '0',
      ApproximateNumberOfMessages: '0',
    });

    const missing = await caught(client.send(new GetQueueUrlCommand({ QueueName: 'nope' })));
    // The SDK also exposes the legacy query code, which older consumers compare against.
    expect(missing).toMatchObject({ name: 'QueueDoesNotExist', Code: 'AWS.SimpleQueueService.NonExistentQueue', message: 'The specified queue does not exist.', $metadata: { httpStatusCode: 400 } });
    const badAttribute = await caught(client.send(new CreateQueueCommand({ QueueName: 'x', Attributes: { VisibilityTimeout: '50000' } })));
    expect(badAttribute).toMatchObject({ name: 'InvalidAttributeValue', message: 'Invalid value for the parameter VisibilityTimeout.' });
  });

  it('SendMessage/ReceiveMessage: MD5s the SDK verifies, receive counts, parameter validation', async () => {
    const client = sqs();
    const url = standin.sqs.createQueue({ name: queueName() }).url;
    const body = JSON.stringify({ text: 'héllo ✓' });
    const sent = await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body }));
    expect(sent.MD5OfMessageBody).toBe(md5(body));
    const got = await client.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'] }));
    expect(got.Messages).toHaveLength(1);
    expect(got.Messages![0]).toMatchObject({ MessageId: sent.MessageId, Body: body, MD5OfBody: md5(body), Attributes: { ApproximateReceiveCount: '1', SentTimestamp: expect.stringMatching(/^\d{13}$/) } });

    const tooMany = await caught(client.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 11 })));
    expect(tooMany).toMatchObject({ name: 'InvalidParameterValue', message: 'Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.', $metadata: { httpStatusCode: 400 } });
    const tooLong = await caught(client.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 21 })));
    expect(tooLong).toMatchObject({ name: 'InvalidParameterValue', message: 'Value 21 for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.' });
  });

  it('long polling holds the request until a message arrives, or for the whole wait when none does', async () => {
    const client = sqs();
    const url = standin.sqs.createQueue({ name: queueName() }).url;
    let t0 = Date.now();
    const empty = await client.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 1 }));
    expect(empty.Messages).toBeUndefined();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);

    t0 = Date.now();
    const polling = client.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 20 }));
    setTimeout(() => standin.sqs.send(url, 'late'), 200);
    const got = await polling;
    expect(got.Messages?.map((m) => m.Body)).toEqual(['late']);
    const waited = Date.now() - t0;
    expect(waited).toBeGreaterThanOrEqual(150);
    expect(waited).toBeLessThan(5000);
  });

  it('the queue attribute ReceiveMessageWaitTimeSeconds makes every receive a long poll', async () => {
    const url = standin.sqs.createQueue({ name: queueName(), attributes: { ReceiveMessageWaitTimeSeconds: '1' } }).url;
    const t0 = Date.now();
    await sqs().send(new ReceiveMessageCommand({ QueueUrl: url }));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
  });
});

describe('visibility and receipt handles', () => {
  it('a received message is invisible for its timeout, then comes back with a higher receive count', async () => {
    const client = sqs();
    const url = jobQueue();
    await receiptOf(client, url, 60);
    expect(standin.sqs.inFlight(url)).toMatchObject([{ body: 'job', receiveCount: 1 }]);
    expect((await client.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages).toBeUndefined();
    advance(61);
    const again = await client.send(new ReceiveMessageCommand({ QueueUrl: url, MessageSystemAttributeNames: ['All'] }));
    expect(again.Messages![0]).toMatchObject({ Body: 'job', Attributes: { ApproximateReceiveCount: '2' } });
  });

  it('only the latest receipt handle deletes; an older one succeeds without deleting; a foreign one is invalid', async () => {
    const client = sqs();
    const url = jobQueue();
    const old = await receiptOf(client, url, 10);
    advance(11);
    const latest = await receiptOf(client, url, 10);
    expect(latest).not.toBe(old);
    await client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: old }));
    expect(standin.sqs.messages(url)).toHaveLength(1);
    await client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: latest }));
    expect(standin.sqs.messages(url)).toHaveLength(0);
    const invalid = await caught(client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: 'garbage' })));
    expect(invalid).toMatchObject({ name: 'ReceiptHandleIsInvalid', message: 'The input receipt handle "garbage" is not a valid receipt handle.', $metadata: { httpStatusCode: 404 } });
  });

  it('ChangeMessageVisibility counts from the call; 0 makes the message visible at once', async () => {
    const client = sqs();
    const url = jobQueue();
    const handle = await receiptOf(client, url, 10);
    advance(8);
    await client.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: handle, VisibilityTimeout: 10 }));
    advance(8);
    expect((await client.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages).toBeUndefined();
    await client.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: handle, VisibilityTimeout: 0 }));
    expect((await client.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages?.[0]?.Body).toBe('job');
    const notInFlight = await caught(client.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: handle, VisibilityTimeout: 5 })));
    expect(notInFlight).toMatchObject({ name: 'InvalidParameterValue', message: expect.stringContaining('Message does not exist or is not available for visibility timeout change') });
  });

  it('a message received more than maxReceiveCount times moves to the dead-letter queue', async () => {
    const client = sqs();
    const dlq = standin.sqs.createQueue({ name: queueName() });
    const { QueueUrl: url } = await client.send(
      new CreateQueueCommand({ QueueName: queueName(), Attributes: { VisibilityTimeout: '5', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 2 }) } }),
    );
    await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'poison' }));
    for (let i = 1; i <= 2; i++) {
      const r = await client.send(new ReceiveMessageCommand({ QueueUrl: url, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }));
      expect(r.Messages?.[0]?.Attributes?.ApproximateReceiveCount).toBe(String(i));
      advance(6);
    }
    expect((await client.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages).toBeUndefined();
    expect(standin.sqs.messages(url!)).toEqual([]);
    expect(standin.sqs.deadLetters(url!)).toMatchObject([{ body: 'poison' }]);
    expect((await client.send(new ReceiveMessageCommand({ QueueUrl: dlq.url }))).Messages?.[0]?.Body).toBe('poison');

    const badTarget = await caught(client.send(new CreateQueueCommand({ QueueName: queueName(), Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: 'dummy', maxReceiveCount: 3 }) } })));
    expect(badTarget).toMatchObject({ name: 'InvalidParameterValue', message: expect.stringContaining('Reason: Invalid value for deadLetterTargetArn.') });
  });

  it('PurgeQueue empties the queue, and only once every 60 seconds', async () => {
    const client = sqs();
    const url = standin.sqs.createQueue({ name: queueName() }).url;
    standin.sqs.send(url, 'a');
    standin.sqs.send(url, 'b');
    await client.send(new PurgeQueueCommand({ QueueUrl: url }));
    expect(standin.sqs.messages(url)).toEqual([]);
    const again = await caught(client.send(new PurgeQueueCommand({ QueueUrl: url })));
    expect(again).toMatchObject({ name: 'PurgeQueueInProgress', $metadata: { httpStatusCode: 403 } });
    advance(61);
    await client.send(new PurgeQueueCommand({ QueueUrl: url }));
  });

  it('message calls are CloudTrail data events; queue calls management events', async () => {
    const url = standin.sqs.createQueue({ name: queueName() }).url;
    const sent = await sqs().send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'secret' }));
    const record = standin.cloudTrail({ eventName: 'SendMessage' }).at(-1);
    expect(record).toMatchObject({
      eventSource: 'sqs.amazonaws.com',
      managementEvent: false,
      eventCategory: 'Data',
      requestParameters: { queueUrl: url, messageBody: 'HIDDEN_DUE_TO_SECURITY_REASONS' },
      responseElements: { messageId: sent.MessageId, mD5OfMessageBody: md5('secret') },
    });
    await sqs().send(new ReceiveMessageCommand({ QueueUrl: url }));
    expect(JSON.stringify(standin.cloudTrail({ eventSource: 'sqs.amazonaws.com' }))).not.toContain('secret');
    expect(standin.cloudTrail({ eventName: 'CreateQueue' }).at(-1)).toMatchObject({ managementEvent: true, eventCategory: 'Management' });
  });
});

describe('how the SDK finds the stand-in', () => {
  const saved = { ...process.env };
  const ENV = ['AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_SQS', 'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS'];
  afterEach(() => {
    for (const k of ENV) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });

  it('through AWS_ENDPOINT_URL_SQS, with no endpoint in the client config', async () => {
    for (const k of ENV) delete process.env[k];
    process.env.AWS_ENDPOINT_URL_SQS = standin.url;
    const client = new SQSClient({ region: 'us-east-1', credentials, maxAttempts: 1 });
    const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: 'via-env' }));
    await client.send(new SendMessageCommand({ QueueUrl, MessageBody: 'env' }));
    expect((await client.send(new ReceiveMessageCommand({ QueueUrl }))).Messages?.[0]?.Body).toBe('env');
  });

  it('through the QueueUrl host, which the SDK uses (with a warning) when no endpoint is configured', async () => {
    for (const k of ENV) delete process.env[k];
    const url = standin.sqs.createQueue({ name: queueName() }).url;
    const warnings: string[] = [];
    const logger = { debug: () => {}, info: () => {}, warn: (m: unknown) => warnings.push(String(m)), error: () => {} };
    const client = new SQSClient({ region: 'us-east-1', credentials, maxAttempts: 1, logger });
    await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'by-host' }));
    expect(standin.sqs.messages(url).map((m) => m.body)).toEqual(['by-host']);
    expect(warnings.join('\n')).toContain('using QueueUrl host as endpoint');
  });
});
