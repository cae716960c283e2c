import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditJobResult } from '../../src/slack/threads/audit.js';
import { ACTION_IDS } from '../../src/slack/ids.js';
import { jobIds } from '../../src/queue/jobs.js';
import { createNotebook, factoryFor, useFakeCredentials } from '../audit/standin-helpers.js';
import { startAwsStandin, type AwsStandin } from '../support/aws-standin/index.js';
import type { StoredMessage } from '../support/slack-standin/index.js';
import { APPROVER, CHANNEL, eventually, everyPostedString, GROUP_MEMBER, OUTSIDER, startHarness, type Harness } from './harness.js';

/**
 * End to end: signed slash command → audit job on real Redis → the real audit worker → the real engine against the
 * AWS stand-in → summary and proposals on the Slack stand-in → signed Approve/Deny clicks → one remediation job.
 */

let aws: AwsStandin;
let h: Harness;
let result: AuditJobResult;
let statusTs: string;

const ACCOUNT = '111111111111';
const HOSTILE_ARN = `arn:aws:sagemaker:us-east-1:${ACCOUNT}:model/<!channel>`;

type Button = { action_id: string; value: string; confirm?: unknown };
function buttons(m: StoredMessage): Button[] {
  return (m.blocks ?? []).flatMap((b) => (b.type === 'actions' ? (b.elements as Button[]) : []));
}
function proposalMessages(): StoredMessage[] {
  return h.standin.thread(CHANNEL, statusTs).filter((m) => buttons(m).length > 0 || JSON.stringify(m.blocks ?? []).includes('Proposal `'));
}
function pendingProposal(index: number): { id: string; ts: string } {
  const m = proposalMessages().filter((x) => buttons(x).some((b) => b.action_id === ACTION_IDS.approve))[index]!;
  return { id: buttons(m)[0]!.value, ts: m.ts };
}

beforeAll(async () => {
  useFakeCredentials();
  aws = await startAwsStandin({ defaultAccountId: ACCOUNT, transitionDelayMs: 10 });
  // The remediation worker (registered in startWorkers) builds its clients from the environment: point it here too.
  process.env.AWS_ENDPOINT_URL = aws.url;
  // Failing notebooks: root access on, direct internet access on, no KMS key.
  for (const name of ['nb-open-1', 'nb-open-2', 'nb-open-3', 'nb-open-4']) createNotebook(aws, ACCOUNT, 'us-east-1', name, { RootAccess: 'Enabled', DirectInternetAccess: 'Enabled' });
  // A hostile name can only come from Security Hub (SageMaker validates names): a finding for "<!channel>". Models
  // cannot be listed, so the live side cannot contradict the finding and the audit reports it as FAILED.
  aws.addControlFinding({ accountId: ACCOUNT, region: 'us-east-1', controlId: 'SageMaker.5', resourceArn: HOSTILE_ARN });
  aws.failNext('ListModels', { code: 'AccessDeniedException', message: 'not authorized to perform: sagemaker:ListModels', status: 400 }, { count: 1000 });
  h = await startHarness({ workers: true, clientFactory: factoryFor(aws), env: { AUDIT_ACCOUNTS: ACCOUNT } });

  // The approver asks for the audit (two-person rule: they then cannot approve its fixes).
  await h.command('us-east-1', { userId: APPROVER, responseId: 'e2e' });
  await eventually(async () => (await h.auditJobs()).some((j) => j.returnvalue), 30_000, 'the audit job to complete');
  const [job] = await h.auditJobs();
  result = job!.returnvalue as AuditJobResult;
  statusTs = job!.data.statusMessageTs;
}, 60_000);

afterAll(async () => {
  await h?.close();
  await aws?.close();
  delete process.env.AWS_ENDPOINT_URL;
});

describe('slash command to approved remediation', () => {
  it('turns the status message into the summary with the report counts', () => {
    const status = h.standin.message(CHANNEL, statusTs)!;
    expect(status.history).toHaveLength(1); // "⏳ Auditing…" then the summary
    expect(status.history[0]!.text).toContain('Auditing');
    expect(result.failed).toBeGreaterThan(0);
    expect(status.text).toBe(`SageMaker audit: ${result.failed} FAILED of ${result.total}`);
    const summary = JSON.stringify(status.blocks);
    expect(summary).toContain('Security Hub drift');
    expect(summary).toContain('details and fixes in the thread');
  });

  it('posts the failing resources and one proposal per resource in the thread, within limits, every message accepted', () => {
    const thread = h.standin.thread(CHANNEL, statusTs);
    expect(thread.length).toBe(result.threadMessages);
    expect(result.slackErrors).toBe(0);
    expect(h.standin.calls.filter((c) => c.response.ok === false)).toEqual([]);
    const proposals = proposalMessages();
    expect(proposals.length).toBe(result.proposals);
    const approve = proposals.flatMap(buttons).find((b) => b.action_id === ACTION_IDS.approve);
    expect(approve?.confirm).toBeDefined();
    expect(JSON.stringify(proposals[0]!.blocks)).toMatch(/1\. /);
  });

  it('escapes a resource named <!channel> in every text posted to Slack', () => {
    const strings = everyPostedString(h.standin);
    expect(strings.some((s) => s.includes('&lt;!channel&gt;'))).toBe(true);
    expect(strings.filter((s) => s.includes('<!channel>'))).toEqual([]);
  });

  it('refuses a non-approver ephemerally; nothing changes; the refusal is in the trail', async () => {
    const p = pendingProposal(0);
    const before = h.standin.message(CHANNEL, p.ts)!.history.length;
    const res = await h.click('approve', p.id, OUTSIDER, p.ts);
    expect(res.status).toBe(200);
    expect(res.ms).toBeLessThan(1000);
    await h.standin.waitFor(() => h.standin.ephemerals.some((e) => e.user === OUTSIDER), 5000);
    expect(h.standin.ephemerals.find((e) => e.user === OUTSIDER)!.text).toContain('Only approvers');
    expect((await h.services.web.proposals.get(p.id))!.state.status).toBe('pending');
    expect(h.standin.message(CHANNEL, p.ts)!.history.length).toBe(before);
    expect(await h.remediationJobs()).toHaveLength(0);
    const trail = await h.services.web.trail.history({ resource: p.id });
    expect(trail[0]).toMatchObject({ type: 'refused', actor: OUTSIDER });
  });

  it('refuses the requester under the two-person rule', async () => {
    const p = pendingProposal(0);
    await h.click('approve', p.id, APPROVER, p.ts);
    await h.standin.waitFor(() => h.standin.ephemerals.some((e) => e.user === APPROVER && (e.text ?? '').includes('two-person rule')), 5000);
    expect((await h.services.web.proposals.get(p.id))!.state.status).toBe('pending');
    expect(await h.remediationJobs()).toHaveLength(0);
  });

  it('50 concurrent Approve clicks by a user-group approver queue exactly one job and update the message once', async () => {
    const p = pendingProposal(0);
    const clicks = await Promise.all(Array.from({ length: 50 }, () => h.click('approve', p.id, GROUP_MEMBER, p.ts)));
    expect(clicks.every((c) => c.status === 200)).toBe(true);
    await eventually(async () => (await h.remediationJobs()).length === 1, 5000, 'the remediation job');
    await h.standin.waitFor(() => h.standin.ephemerals.filter((e) => e.user === GROUP_MEMBER && (e.text ?? '').includes('already')).length === 49, 10_000);
    const jobs = await h.remediationJobs();
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.id).toBe(jobIds.remediation(p.id));
    expect(jobs[0]!.data).toMatchObject({ proposalId: p.id, approvedBy: GROUP_MEMBER, dryRun: false });
    const found = await h.services.web.proposals.get(p.id);
    expect(found!.state.decidedBy).toBe(GROUP_MEMBER);
    const msg = h.standin.message(CHANNEL, p.ts)!;
    const versions = [...msg.history.map((v) => JSON.stringify(v.blocks)), JSON.stringify(msg.blocks)];
    expect(versions.filter((v) => v.includes(`Approved by <@${GROUP_MEMBER}>`)).length).toBeGreaterThanOrEqual(1);
    expect(buttons(msg).filter((b) => b.action_id === ACTION_IDS.approve)).toEqual([]);
    expect(await h.services.web.proposals.approvedNotQueued()).toEqual([]);
    const trail = await h.services.web.trail.history({ resource: p.id });
    expect(trail.filter((e) => e.type === 'approved')).toHaveLength(1);
  });

  it('a Deny by an approver updates the message and queues nothing; a later Approve says who denied', async () => {
    const p = pendingProposal(0);
    const jobsBefore = (await h.remediationJobs()).length;
    await h.click('deny', p.id, GROUP_MEMBER, p.ts);
    await eventually(async () => (await h.services.web.proposals.get(p.id))!.state.status === 'denied', 5000, 'denied');
    await h.standin.waitFor(() => JSON.stringify(h.standin.message(CHANNEL, p.ts)!.blocks).includes('Denied by'), 5000);
    await h.click('approve', p.id, GROUP_MEMBER, p.ts);
    await h.standin.waitFor(() => h.standin.ephemerals.some((e) => (e.text ?? '').includes(`already denied by <@${GROUP_MEMBER}>`)), 5000);
    expect((await h.remediationJobs()).length).toBe(jobsBefore);
  });
});
