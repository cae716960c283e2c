/**
 * A remediation worker in its own process, for the SIGKILL test: `tsx child-worker.ts '<json options>'`.
 * It prints "ready" once the worker listens, and "stop-sent" is visible to the parent through the AWS stand-in.
 */
import { WebClient } from '@slack/web-api';
import { createAwsClients } from '../../../src/aws/clients.js';
import { ProposalStore } from '../../../src/remediation/proposals.js';
import { AuditTrail } from '../../../src/remediation/trail.js';
import { createRemediationWorker } from '../../../workers/remediation.js';
import { testRedis } from '../../queue/redis.js';
import { testConfig } from '../harness.js';

interface Options {
  prefix: string;
  awsUrl: string;
  keys: Record<string, { accessKeyId: string; secretAccessKey: string }>;
  slackUrl: string;
  slackToken: string;
  lockDurationMs: number;
}

const o = JSON.parse(process.argv[2] ?? '{}') as Options;
const redis = testRedis();
const config = testConfig(o.prefix);
const worker = createRemediationWorker({
  config,
  slack: new WebClient(o.slackToken, { slackApiUrl: o.slackUrl, retryConfig: { retries: 0 } }),
  proposals: new ProposalStore(redis, o.prefix),
  trail: new AuditTrail(redis, o.prefix),
  redis,
  sagemakerFor: (accountId, region) => {
    const keys = o.keys[accountId]!;
    return createAwsClients({ region, credentials: async () => keys, endpoint: o.awsUrl, maxAttempts: 3 }).sagemaker;
  },
  pollIntervalMs: 20,
  maxPollIntervalMs: 50,
  defaultMaxWaitSeconds: 30,
  workerOptions: { lockDuration: o.lockDurationMs, stalledInterval: o.lockDurationMs },
});
await worker.waitUntilReady();
console.log('ready');
