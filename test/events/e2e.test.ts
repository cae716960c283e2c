import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AddTagsCommand,
  CreateNotebookInstanceCommand,
  DeleteNotebookInstanceCommand,
  SageMakerClient,
  StopNotebookInstanceCommand,
  UpdateNotebookInstanceCommand,
  waitUntilNotebookInstanceStopped,
} from '@aws-sdk/client-sagemaker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arnFor } from '../../src/aws/kinds/index.js';
import { cloudTrailPattern, securityHubPattern } from '../../src/deploy/event-templates.js';
import type { ResourceEventOutcome } from '../../src/slack/threads/resource-events.js';
import { ACTION_IDS } from '../../src/slack/ids.js';
import { ACCOUNT, factoryFor, useFakeCredentials } from '../audit/standin-helpers.js';
import { APPROVER, CHANNEL, SIGNING_SECRET, buttons, eventually, startHarness, type Harness } from '../slack/harness.js';
import { startAwsStandin, type AwsStandin } from '../support/aws-standin/index.js';
import { blockActionsBody, postSigned, type StoredMessage } from '../support/slack-standin/index.js';

/**
 * Event-driven detection end to end: a SageMaker write in the AWS stand-in → its CloudTrail event on the bus → the
 * hub's SQS queue → the app's consumer → a coalesced targeted-audit job → a proposal at the top of the owners'
 * channel (routing) → Approve → fixed → the fix's own events audit the notebook again and post nothing new. Real
 * parts throughout: the SDK against the stand-in, BullMQ on Redis, the Bolt receiver, the Slack stand-in.
 */

useFakeCredentials();
const REGION = 'us-east-1';
const SECURITY = 'C0SECURITY';
const FRAUD = 'C0FRAUD';
const dir = mkdtempSync(join(tmpdir(), 'events-e2e-'));
const ROUTES = join(dir, 'routes.yaml');
writeFileSync(
  ROUTES,
  `default: { channel: ${SECURITY} }
routes:
  - name: fraud-ml
    match: { tags: { team: fraud-ml } }
    channel: ${FRAUD}
    mention: S0FRAUD
`,
);

let aws: AwsStandin;
let h: Harness;
let member: SageMakerClient;
let queue: { url: string; dlq: string };

beforeAll(async () => {
  aws = await startAwsStandin({ transitionDelayMs: 20, defaultAccountId: ACCOUNT });
  const dlq = aws.sqs.createQueue({ name: 'sagemaker-events-dlq', accountId: ACCOUNT, region: REGION });
  const q = aws.sqs.createQueue({ name: 'sagemaker-events', accountId: ACCOUNT, region: REGION, attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 3 }) } });
  queue = { url: q.url, dlq: dlq.url };
  // The member account's rules (as deploy/events-member.yaml has them), delivering straight to the hub queue.
  aws.events.route({ pattern: cloudTrailPattern(), queueUrl: queue.url });
  aws.events.route({ pattern: securityHubPattern(), queueUrl: queue.url });
  h = await startHarness({
    env: { EVENTS_QUEUE_URL: queue.url, EVENTS_DEBOUNCE_SECONDS: '1', ROUTING_FILE: ROUTES, AUDIT_REGIONS: REGION },
    clientFactory: factoryFor(aws),
    workers: ['events', 'remediation'],
    standin: { channels: [CHANNEL, SECURITY, FRAUD], userGroups: { S0APPROVERS: ['U0GROUPIE'], S0FRAUD: ['U0FRAUDLEAD'] } },
  });
  member = new SageMakerClient({ region: REGION, endpoint: aws.url, credentials: aws.credentialsFor(ACCOUNT), maxAttempts: 3 });
}, 60_000);

afterAll(async () => {
  member?.destroy();
  await h?.close();
  await aws?.close();
});

/** A notebook compliant with every notebook control but SageMaker.3 (root access), optionally tagged. */
async function createFailingNotebook(name: string, tags: Record<string, string> = {}): Promise<void> {
  await member.send(
    new CreateNotebookInstanceCommand({
      NotebookInstanceName: name,
      InstanceType: 'ml.t3.medium',
      RoleArn: `arn:aws:iam::${ACCOUNT}:role/SageMakerNotebookRole`,
      RootAccess: 'Enabled',
      PlatformIdentifier: 'notebook-al2023-v1',
      DirectInternetAccess: 'Disabled',
      SubnetId: 'subnet-0abc',
      SecurityGroupIds: ['sg-0notebooks'],
      KmsKeyId: `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
      Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
    }),
  );
}

/** Top-level messages (not thread replies) in a channel that mention a resource. */
const proposalsFor = (channel: string, name: string): StoredMessage[] =>
  h.standin.messages(channel).filter((m) => !m.threadTs && JSON.stringify(m.blocks ?? []).includes(name));

const eventJobs = () => h.services.producers.events.getJobs(['completed', 'failed', 'active', 'waiting', 'delayed']);
const eventsFor = async (name: string) => (await eventJobs()).filter((j) => j.data.ref.name === name);

/** Until every queued event for the resource is done (and at least `min` were). */
async function settled(name: string, min = 1): Promise<{ cause: string; outcomes: ResourceEventOutcome[] }[]> {
  await eventually(async () => {
    const jobs = await eventsFor(name);
    const states = await Promise.all(jobs.map((j) => j.getState()));
    return jobs.length >= min && states.every((s) => s === 'completed' || s === 'failed') && aws.sqs.messages(queue.url).length === 0;
  }, 30_000, `events for ${name} to settle`);
  return (await eventsFor(name)).map((j) => ({ cause: j.data.cause, outcomes: j.returnvalue as ResourceEventOutcome[] }));
}

function approve(message: StoredMessage, channel: string, proposalId: string): Promise<{ status: number }> {
  const body = blockActionsBody({ actionId: ACTION_IDS.approve, value: proposalId, userId: APPROVER, messageTs: message.ts, channelId: channel, responseUrl: h.standin.responseUrl(`approve-${proposalId}`) });
  return postSigned(h.eventsUrl, SIGNING_SECRET, body);
}

describe('a change that breaks a control reaches its owners with a fix proposal, unprompted', () => {
  it('create → proposal in the routed channel (owners mentioned) → approve → fixed; the fix’s own events post nothing new', async () => {
    const t0 = Date.now();
    await createFailingNotebook('fraud-scoring', { team: 'fraud-ml', owner: 'fraud' });
    await eventually(() => proposalsFor(FRAUD, 'fraud-scoring').length > 0, 30_000, 'the proposal in the fraud channel');
    const latency = Date.now() - t0;
    const [posted] = proposalsFor(FRAUD, 'fraud-scoring');
    expect(latency).toBeLessThan(15_000);
    expect(posted!.text).toContain('<!subteam^S0FRAUD>');
    expect(JSON.stringify(posted!.blocks)).toContain('Found after `CreateNotebookInstance`');
    expect(JSON.stringify(posted!.blocks)).toContain('SageMaker.3');
    expect(proposalsFor(SECURITY, 'fraud-scoring')).toEqual([]);
    const ref = { accountId: ACCOUNT, region: REGION, resourceArn: arnFor('notebook-instance', 'fraud-scoring', ACCOUNT, REGION) };
    // The message's ts is stored once chat.postMessage has answered.
    await eventually(async () => (await h.services.web.proposals.latestFor(ref))?.proposal.slack.messageTs !== undefined, 10_000, 'the stored message ts');
    const stored = await h.services.web.proposals.latestFor(ref);
    expect(stored!.proposal).toMatchObject({ trigger: { cause: 'CreateNotebookInstance', route: { rule: 'fraud-ml', mention: 'S0FRAUD' } }, slack: { channelId: FRAUD, threadTs: posted!.ts, messageTs: posted!.ts } });
    expect(buttons(posted!).map((b) => b.action_id)).toContain(ACTION_IDS.approve);

    // A burst of changes to the same notebook: audited again, nothing new posted.
    for (let i = 0; i < 5; i++) await member.send(new AddTagsCommand({ ResourceArn: arnFor('notebook-instance', 'fraud-scoring', ACCOUNT, REGION), Tags: [{ Key: `burst${i}`, Value: 'x' }] }));
    await settled('fraud-scoring', 2);
    expect(proposalsFor(FRAUD, 'fraud-scoring')).toHaveLength(1);

    // Approve: the fix runs, and its own Stop/Update/Start events audit the notebook again.
    expect((await approve(posted!, FRAUD, stored!.proposal.id)).status).toBe(200);
    await eventually(async () => (await h.services.web.proposals.get(stored!.proposal.id))?.state.status === 'succeeded', 60_000, 'the fix');
    // Its Stop/Update/Start are debounced into audits; the last write (Start) is never replaced by a later one.
    await eventually(async () => (await eventsFor('fraud-scoring')).some((j) => j.data.cause === 'StartNotebookInstance'), 30_000, "the fix's own event");
    const fixEvents = (await settled('fraud-scoring', 3)).filter((e) => /^(Stop|Update|Start)NotebookInstance$/.test(e.cause));
    expect(fixEvents.length).toBeGreaterThan(0);
    expect(fixEvents.flatMap((e) => e.outcomes).some((o) => o.action === 'propose' && o.why !== 'reused')).toBe(false);
    expect(proposalsFor(FRAUD, 'fraud-scoring')).toHaveLength(1);
    expect(proposalsFor(SECURITY, 'fraud-scoring')).toEqual([]);
    // The thread of the proposal holds the fix's progress.
    expect(h.standin.messages(FRAUD).filter((m) => m.threadTs === posted!.ts).length).toBeGreaterThan(0);
  }, 120_000);

  it('fixed outside the bot: the pending proposal says so in place and loses its buttons', async () => {
    await createFailingNotebook('outside-fix');
    await eventually(() => proposalsFor(SECURITY, 'outside-fix').length > 0, 30_000, 'the proposal in the default channel');
    await settled('outside-fix');
    await member.send(new StopNotebookInstanceCommand({ NotebookInstanceName: 'outside-fix' }));
    await waitUntilNotebookInstanceStopped({ client: member, maxWaitTime: 30, minDelay: 1 }, { NotebookInstanceName: 'outside-fix' });
    await member.send(new UpdateNotebookInstanceCommand({ NotebookInstanceName: 'outside-fix', RootAccess: 'Disabled' }));
    await eventually(() => JSON.stringify(proposalsFor(SECURITY, 'outside-fix')[0]?.blocks ?? []).includes('Fixed outside the bot'), 30_000, 'the proposal closed');
    const [message] = proposalsFor(SECURITY, 'outside-fix');
    expect(buttons(message!)).toEqual([]);
    expect(JSON.stringify(message!.blocks)).toContain('SageMaker.3 passes on a fresh read after UpdateNotebookInstance');
    expect((await h.services.web.trail.history({ resource: 'outside-fix' })).map((e) => e.type)).toContain('closed');
  }, 60_000);

  it('a delete closes the pending proposal as "resource deleted"', async () => {
    await createFailingNotebook('doomed');
    await eventually(() => proposalsFor(SECURITY, 'doomed').length > 0, 30_000, 'the proposal');
    await settled('doomed');
    await member.send(new StopNotebookInstanceCommand({ NotebookInstanceName: 'doomed' }));
    await waitUntilNotebookInstanceStopped({ client: member, maxWaitTime: 30, minDelay: 1 }, { NotebookInstanceName: 'doomed' });
    await member.send(new DeleteNotebookInstanceCommand({ NotebookInstanceName: 'doomed' }));
    await eventually(() => JSON.stringify(proposalsFor(SECURITY, 'doomed')[0]?.blocks ?? []).includes('Resource deleted (DeleteNotebookInstance)'), 30_000, 'the proposal closed');
    expect(buttons(proposalsFor(SECURITY, 'doomed')[0]!)).toEqual([]);
  }, 60_000);

  it('a resource in an accepted-risk scope is audited and posts nothing', async () => {
    const arn = arnFor('notebook-instance', 'accepted-nb', ACCOUNT, REGION);
    await h.services.web.risks.accept({
      target: { controlId: 'SageMaker.3', accountId: ACCOUNT, region: REGION, resourceArn: arn, resourceName: 'accepted-nb' },
      scope: 'resource',
      reason: 'vendor notebook needs root for its agent',
      expiresAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
      acceptedBy: APPROVER,
    });
    await createFailingNotebook('accepted-nb');
    const outcomes = await settled('accepted-nb');
    expect(outcomes.flatMap((e) => e.outcomes)).toEqual([expect.objectContaining({ action: 'nothing', why: 'accepted-risk' })]);
    expect([...proposalsFor(SECURITY, 'accepted-nb'), ...proposalsFor(FRAUD, 'accepted-nb')]).toEqual([]);
  }, 60_000);

  it('an event in a shape the app does not know is logged and deleted, never retried', async () => {
    aws.sqs.send(queue.url, JSON.stringify({ source: 'aws.ec2', 'detail-type': 'EC2 Instance State-change Notification', detail: {} }));
    aws.sqs.send(queue.url, 'not json at all');
    await eventually(() => aws.sqs.messages(queue.url).length === 0, 30_000, 'the queue drained');
    expect(aws.sqs.messages(queue.dlq)).toEqual([]);
  }, 60_000);
});
