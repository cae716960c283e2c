/**
 * A remediation worker in its own process, for the SIGKILL test: `tsx child-worker.ts '<json options>'`.
 * It prints "ready" once the worker listens, and "stop-sent" is visible to the parent through the AWS stand-in.
 */
import { pino } from 'pino';
import { defaultClientFactory } from '../../../src/aws/clients.js';
import { QUEUE_NAMES } from '../../../src/queue/names.js';
import { createServices } from '../../../src/services.js';
import { startWorkers } from '../../../workers/index.js';
import { testConfig } from '../harness.js';

interface Options {
  prefix: string;
  awsUrl: string;
  /** The hub account's keys: the source of the member roles' sessions. */
  hubKeys: { accessKeyId: string; secretAccessKey: string };
  slackUrl: string;
  slackToken: string;
  lockDurationMs: number;
}

const o = JSON.parse(process.argv[2] ?? '{}') as Options;
const config = testConfig(o.prefix, { SLACK_BOT_TOKEN: o.slackToken, SLACK_API_URL: o.slackUrl });
const services = createServices(config, pino({ level: 'silent' }), {
  clientFactory: defaultClientFactory({ maxAttempts: 3, endpoint: o.awsUrl, credentials: async () => o.hubKeys }),
  slackClientOptions: { retryConfig: { retries: 0 } },
  tuning: { remediationTiming: { pollIntervalMs: 20, maxPollIntervalMs: 50, defaultMaxWaitSeconds: 30 } },
});
await services.ready();
await startWorkers(services, { queues: [QUEUE_NAMES.remediation], options: { [QUEUE_NAMES.remediation]: { lockDuration: o.lockDurationMs, stalledInterval: o.lockDurationMs } } });
console.log('ready');
