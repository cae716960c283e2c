import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_IDS } from '../../src/slack/ids.js';
import { createNotebook, factoryFor, useFakeCredentials } from '../audit/standin-helpers.js';
import { startAwsStandin, type AwsStandin } from '../support/aws-standin/index.js';
import { APPROVER, buttons, CHANNEL, eventually, REQUESTER, startHarness, type Harness } from '../slack/harness.js';

/**
 * GET /metrics after real work: a slash command's audit against the AWS stand-in (one throttled call the SDK
 * retries, one denied operation), a fix approved and run, an on-demand digest, a Slack call that was rate-limited,
 * a job waiting on a paused queue. Every series the operator's guide lists is there with the figure the work
 * implies, and no label holds an ARN, an account or a user.
 */
const ACCOUNT = '111111111111';
let aws: AwsStandin;
let h: Harness;
let text = '';

const scrape = async (): Promise<string> => (await fetch(`${h.baseUrl}/metrics`)).text();
/** The value of one series, or undefined when it is not there. */
function value(metrics: string, series: string): number | undefined {
  const line = metrics.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

beforeAll(async () => {
  useFakeCredentials();
  aws = await startAwsStandin({ defaultAccountId: ACCOUNT, transitionDelayMs: 10 });
  process.env.AWS_ENDPOINT_URL = aws.url;
  createNotebook(aws, ACCOUNT, 'us-east-1', 'nb-metrics', { RootAccess: 'Enabled' });
  aws.failNext('ListNotebookInstances', { code: 'ThrottlingException', message: 'Rate exceeded', status: 400 }, { count: 1 });
  aws.failNext('ListModels', { code: 'AccessDeniedException', message: 'not authorized to perform: sagemaker:ListModels', status: 400 }, { count: 1000 });
  h = await startHarness({ workers: true, clientFactory: factoryFor(aws), env: { AUDIT_ACCOUNTS: ACCOUNT, DIGEST_CHANNEL: CHANNEL } });
  // Slack answers the first chat.update with 429 + Retry-After: the WebClient waits and retries.
  h.standin.rateLimit('chat.update', 1, 1);

  await h.command('control=SageMaker.3,SageMaker.5', { userId: REQUESTER });
  await eventually(async () => (await h.auditJobs()).some((j) => j.returnvalue), 30_000, 'the audit');
  const proposal = h.standin
    .messages(CHANNEL)
    .flatMap((m) => h.standin.thread(CHANNEL, m.ts))
    .find((m) => buttons(m).some((b) => b.action_id === ACTION_IDS.approve) && JSON.stringify(m.blocks).includes('nb-metrics'))!;
  await h.click('approve', buttons(proposal).find((b) => b.action_id === ACTION_IDS.approve)!.value, APPROVER, proposal.ts);
  await eventually(async () => (await h.remediationJobs()).some((j) => j.returnvalue), 30_000, 'the fix');

  await h.command('digest', { userId: REQUESTER });
  await eventually(async () => (await h.services.producers.digest.getJobCounts('completed')).completed === 1, 30_000, 'the digest');

  // A job that waits: the risks queue paused, a sync queued.
  await h.services.producers.risks.pause();
  await h.services.producers.enqueueRiskSync({ riskId: 'r-metrics', action: 'suppress' });
  await new Promise((r) => setTimeout(r, 1100));
  text = await scrape();
  await h.services.producers.risks.resume();
}, 120_000);

afterAll(async () => {
  await h?.close();
  await aws?.close();
  delete process.env.AWS_ENDPOINT_URL;
});

describe('GET /metrics', () => {
  it('is Prometheus text', async () => {
    const res = await fetch(`${h.baseUrl}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it('counts audits and their duration, by outcome (a denied read makes it incomplete)', () => {
    expect(value(text, 'sagemaker_audit_audits_total{outcome="incomplete"}')).toBe(2); // the command's, the digest's
    expect(value(text, 'sagemaker_audit_audit_duration_seconds_count{outcome="incomplete"}')).toBe(2);
    expect(value(text, 'sagemaker_audit_audit_duration_seconds_bucket{le="+Inf",outcome="incomplete"}')).toBe(2);
  });

  it('counts AWS requests by service, operation and outcome, each retry included', () => {
    expect(value(text, 'sagemaker_audit_aws_requests_total{service="sagemaker",operation="ListNotebookInstances",outcome="throttled"}')).toBe(1);
    expect(value(text, 'sagemaker_audit_aws_requests_total{service="sagemaker",operation="ListNotebookInstances",outcome="ok"}')).toBe(2);
    expect(value(text, 'sagemaker_audit_aws_requests_total{service="sagemaker",operation="ListModels",outcome="error"}')).toBeGreaterThanOrEqual(2);
    expect(value(text, 'sagemaker_audit_aws_requests_total{service="sagemaker",operation="StopNotebookInstance",outcome="ok"}')).toBe(1);
    expect(value(text, 'sagemaker_audit_aws_requests_total{service="securityhub",operation="GetFindings",outcome="ok"}')).toBeGreaterThanOrEqual(1);
    expect(value(text, 'sagemaker_audit_aws_request_duration_seconds_count{service="sagemaker"}')).toBe(
      aws.calls.filter((c) => c.service === 'sagemaker').length,
    );
  });

  it('counts remediation jobs by outcome and steps by operation and outcome', () => {
    expect(value(text, 'sagemaker_audit_remediation_jobs_total{outcome="succeeded"}')).toBe(1);
    for (const operation of ['notebook.stop-if-running', 'notebook.wait-stopped', 'notebook.update', 'notebook.start-if-was-running', 'notebook.wait-in-service']) {
      expect(value(text, `sagemaker_audit_remediation_steps_total{operation="${operation}",outcome="done"}`), operation).toBe(1);
    }
  });

  it('counts digest runs and Slack calls by method, outcome and error (rate-limited included)', () => {
    expect(value(text, 'sagemaker_audit_digest_runs_total{outcome="posted"}')).toBe(1);
    expect(value(text, 'sagemaker_audit_slack_api_calls_total{method="chat.update",outcome="rate_limited",error="ratelimited"}')).toBe(1);
    expect(value(text, 'sagemaker_audit_slack_api_calls_total{method="chat.postMessage",outcome="ok",error=""}')).toBe(h.standin.callsTo('chat.postMessage').filter((c) => c.response.ok).length);
    expect(value(text, 'sagemaker_audit_slack_api_calls_total{method="chat.update",outcome="ok",error=""}')).toBeGreaterThanOrEqual(1);
  });

  it('reports queue depth and the oldest waiting job per queue', () => {
    expect(value(text, 'sagemaker_audit_queue_jobs{queue="risks",state="waiting"}')).toBe(1);
    expect(value(text, 'sagemaker_audit_queue_oldest_waiting_seconds{queue="risks"}')).toBeGreaterThanOrEqual(1);
    expect(value(text, 'sagemaker_audit_queue_jobs{queue="audit",state="waiting"}')).toBe(0);
    expect(value(text, 'sagemaker_audit_queue_oldest_waiting_seconds{queue="audit"}')).toBe(0);
    expect(value(text, 'sagemaker_audit_redis_up')).toBe(1);
  });

  it('holds no ARN, account, user, channel or resource name in any label', () => {
    const labels = text
      .split('\n')
      .filter((l) => !l.startsWith('#'))
      .flatMap((l) => [...l.matchAll(/="([^"]*)"/g)].map((m) => m[1]!));
    expect(labels.length).toBeGreaterThan(20);
    for (const forbidden of ['arn:', ACCOUNT, 'U0', CHANNEL, 'nb-metrics', 'us-east-1']) expect(labels.filter((l) => l.includes(forbidden)), forbidden).toEqual([]);
  });

  it('/readyz names each check', async () => {
    const res = await fetch(`${h.baseUrl}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ready: true, checks: { redis: 'ok', slack: 'ok' } });
  });
});
