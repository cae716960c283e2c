import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { draftFor, type Proposal } from '../../src/remediation/proposals.js';
import { ACTION_IDS } from '../../src/slack/ids.js';
import { postProposal } from '../../src/slack/threads/proposals.js';
import type { StoredMessage } from '../support/slack-standin/index.js';
import { createNotebook, factoryFor, useFakeCredentials } from '../audit/standin-helpers.js';
import { startAwsStandin } from '../support/aws-standin/index.js';
import { failedResult, plan } from './fixtures.js';
import { CHANNEL, REQUESTER, eventually, startHarness, type Harness } from './harness.js';

/**
 * The approval policy through the real Bolt receiver: signed clicks, group members read from the Slack stand-in,
 * decisions in Redis, remediation jobs on the real queue (no worker consumes them here: the queue is what is checked).
 */

const dir = mkdtempSync(join(tmpdir(), 'policy-e2e-'));
const POLICY = join(dir, 'policy.yaml');
writeFileSync(
  POLICY,
  `# Recreating a definition needs two security engineers; nobody else may approve anything (deny by default).
rules:
  - name: two-security-engineers
    match: { fixKind: recreate }
    approvers: [S0SEC]
    approvals: 2
`,
);

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function posted(hh: Harness, kind: 'recreate' | 'in-place', name: string): Promise<{ proposal: Proposal; ts: string }> {
  const parent = await hh.services.slack.chat.postMessage({ channel: CHANNEL, text: 'audit' });
  const draft = draftFor([failedResult({ resourceName: name, remediation: plan({ kind }) })]);
  const outcome = await postProposal({ proposals: hh.services.web.proposals, trail: hh.services.web.trail, policy: hh.config.app.approvalPolicy }, draft, {
    auditId: 'a1',
    requestedBy: REQUESTER,
    slack: { channelId: CHANNEL, threadTs: parent.ts! },
    tags: null,
    actor: 'worker',
    detail: 'test',
    now: () => new Date(),
    post: (m) => hh.services.slack.chat.postMessage({ channel: CHANNEL, thread_ts: parent.ts!, text: m.text, blocks: m.blocks }),
  });
  if (!outcome?.created) throw new Error('not posted');
  return { proposal: outcome.proposal, ts: outcome.proposal.slack.messageTs! };
}

const blocksText = (m: StoredMessage | undefined) => JSON.stringify(m?.blocks ?? []);
const ephemeralTo = (hh: Harness, user: string) => hh.standin.ephemerals.filter((e) => e.user === user).map((e) => e.text ?? '');

describe('APPROVAL_POLICY through the receiver', () => {
  it('two approvers of a group: one click runs nothing; a member removed between clicks stops counting; the second approval queues one job', async () => {
    h = await startHarness({ env: { APPROVERS: '', APPROVAL_POLICY: POLICY }, standin: { userGroups: { S0SEC: ['U0SEC1', 'U0SEC2', REQUESTER] } } });
    const hh = h;
    const { proposal, ts } = await posted(hh, 'recreate', 'def-1');
    expect(blocksText(hh.standin.message(CHANNEL, ts))).toContain('2 different approvers from user group `S0SEC`, not the person who asked for the audit');

    // The requester is in the group but the rule excludes them.
    await hh.click('approve', proposal.id, REQUESTER, ts);
    await eventually(() => ephemeralTo(hh, REQUESTER).length === 1, 5000, 'the refusal');
    expect(ephemeralTo(hh, REQUESTER)[0]).toContain('does not let the person who asked for the audit approve');

    // First approval: recorded, nothing queued, and the message shows who approved.
    await hh.click('approve', proposal.id, 'U0SEC1', ts);
    await eventually(() => ephemeralTo(hh, 'U0SEC1').length === 1, 5000, 'the first approval');
    expect(ephemeralTo(hh, 'U0SEC1')[0]).toContain('Your approval is recorded (1 of 2)');
    expect((await hh.services.web.proposals.get(proposal.id))!.state).toMatchObject({ status: 'pending', approvals: [{ by: 'U0SEC1' }] });
    expect(await hh.remediationJobs()).toEqual([]);
    await eventually(() => blocksText(hh.standin.message(CHANNEL, ts)).includes('Approved by <@U0SEC1>'), 5000, 'the message update');
    expect(blocksText(hh.standin.message(CHANNEL, ts))).toContain('1 of 2 so far');

    // The same person again: refused, still one approval.
    await hh.click('approve', proposal.id, 'U0SEC1', ts);
    await eventually(() => ephemeralTo(hh, 'U0SEC1').length === 2, 5000, 'the second answer');
    expect(ephemeralTo(hh, 'U0SEC1')[1]).toContain('You already approved this fix; it needs 1 more approval');

    // SEC1 leaves the group: SEC2's approval does not complete it (SEC1's no longer counts).
    hh.standin.setUserGroup('S0SEC', ['U0SEC2', 'U0SEC3']);
    await hh.click('approve', proposal.id, 'U0SEC2', ts);
    await eventually(() => ephemeralTo(hh, 'U0SEC2').length === 1, 5000, 'the approval after the change');
    expect(ephemeralTo(hh, 'U0SEC2')[0]).toContain('<@U0SEC1> is no longer an approver, so that approval does not count');
    expect((await hh.services.web.proposals.get(proposal.id))!.state).toMatchObject({ status: 'pending', approvals: [{ by: 'U0SEC2' }] });
    expect(await hh.remediationJobs()).toEqual([]);

    // A removed member cannot approve either.
    await hh.click('approve', proposal.id, 'U0SEC1', ts);
    await eventually(() => ephemeralTo(hh, 'U0SEC1').length === 3, 5000, 'the refusal of a former member');
    expect(ephemeralTo(hh, 'U0SEC1')[2]).toContain('Only approvers under rule "two-security-engineers"');

    // The second distinct approver in the group: approved, exactly one job.
    await hh.click('approve', proposal.id, 'U0SEC3', ts);
    await eventually(async () => (await hh.remediationJobs()).length === 1, 5000, 'the remediation job');
    const [job] = await hh.remediationJobs();
    expect(job!.data).toMatchObject({ proposalId: proposal.id, approvedBy: 'U0SEC3' });
    const state = (await hh.services.web.proposals.get(proposal.id))!.state;
    expect(state).toMatchObject({ status: 'approved', decidedBy: 'U0SEC3' });
    expect(state.approvals!.map((a) => a.by)).toEqual(['U0SEC2', 'U0SEC3']);
    await eventually(() => blocksText(hh.standin.message(CHANNEL, ts)).includes('Approved by <@U0SEC2> and <@U0SEC3>'), 5000, 'the final message');

    const trail = (await hh.services.web.trail.history({ resource: proposal.id })).reverse();
    expect(trail.map((e) => [e.type, e.actor, e.detail ?? ''])).toEqual([
      ['proposed', 'worker', 'test'],
      ['refused', REQUESTER, expect.stringContaining('approve: ')],
      ['approved', 'U0SEC1', 'approval 1 of 2 under rule "two-security-engineers"'],
      ['approval-withdrawn', 'U0SEC1', expect.stringContaining('no longer an approver')],
      ['approved', 'U0SEC2', 'approval 1 of 2 under rule "two-security-engineers"'],
      ['refused', 'U0SEC1', expect.stringContaining('Only approvers')],
      ['approved', 'U0SEC3', 'approval 2 of 2 under rule "two-security-engineers"'],
    ]);
  });

  it('a fix no rule covers: no Approve button, a forged click is refused, nothing is queued', async () => {
    h = await startHarness({ env: { APPROVERS: '', APPROVAL_POLICY: POLICY }, standin: { userGroups: { S0SEC: ['U0SEC1'] } } });
    const hh = h;
    const { proposal, ts } = await posted(hh, 'in-place', 'nb-uncovered');
    const message = hh.standin.message(CHANNEL, ts)!;
    expect(blocksText(message)).not.toContain(ACTION_IDS.approve);
    expect(blocksText(message)).toContain('denied by default');
    await hh.click('approve', proposal.id, 'U0SEC1', ts);
    await eventually(() => ephemeralTo(hh, 'U0SEC1').length === 1, 5000, 'the refusal');
    expect(ephemeralTo(hh, 'U0SEC1')[0]).toContain('denied by default');
    expect((await hh.services.web.proposals.get(proposal.id))!.state.status).toBe('pending');
    expect(await hh.remediationJobs()).toEqual([]);
    // Those who may decide risks may still deny it, so it does not wait forever.
    await hh.click('deny', proposal.id, 'U0SEC1', ts);
    await eventually(async () => (await hh.services.web.proposals.get(proposal.id))!.state.status === 'denied', 5000, 'the denial');
  });

  it('rules on tags: the audit worker reads the tags of the proposed resources (ListTags), and the rule that matches them decides', async () => {
    useFakeCredentials();
    const aws = await startAwsStandin({ defaultAccountId: '111111111111', transitionDelayMs: 10 });
    try {
      createNotebook(aws, '111111111111', 'us-east-1', 'nb-prod', { RootAccess: 'Enabled', Tags: [{ Key: 'env', Value: 'prod' }] });
      createNotebook(aws, '111111111111', 'us-east-1', 'nb-dev', { RootAccess: 'Enabled', Tags: [{ Key: 'env', Value: 'dev' }] });
      const tagged = join(dir, 'tags.yaml');
      writeFileSync(tagged, 'rules:\n  - { name: prod, match: { tags: { env: prod } }, approvers: [U0PROD] }\n  - { name: everything-else, approvers: [U0DEV] }\n');
      h = await startHarness({ workers: true, clientFactory: factoryFor(aws), env: { APPROVERS: '', APPROVAL_POLICY: tagged, AUDIT_ACCOUNTS: '111111111111' } });
      const hh = h;
      await hh.command('control=SageMaker.3', { responseId: 'tags' });
      await eventually(async () => (await hh.auditJobs()).some((j) => j.returnvalue), 30_000, 'the audit');
      const pending = await hh.services.web.proposals.pending();
      const byName = new Map(pending.map((p) => [p.proposal.results[0]!.resourceName, p.proposal]));
      expect(byName.get('nb-prod')?.tags).toEqual({ env: 'prod' });
      expect(byName.get('nb-dev')?.tags).toEqual({ env: 'dev' });
      expect(aws.calls.filter((c) => c.operation === 'ListTags')).toHaveLength(2);
      const prod = hh.standin.message(CHANNEL, byName.get('nb-prod')!.slack.messageTs!);
      expect(blocksText(prod)).toContain('rule `prod`');
      await hh.click('approve', byName.get('nb-prod')!.id, 'U0DEV', prod!.ts);
      await eventually(() => ephemeralTo(hh, 'U0DEV').length === 1, 5000, 'the refusal');
      expect(ephemeralTo(hh, 'U0DEV')[0]).toContain('Only approvers under rule "prod"');
      expect(blocksText(hh.standin.message(CHANNEL, byName.get('nb-dev')!.slack.messageTs!))).toContain('rule `everything-else`');
    } finally {
      await h?.close();
      h = undefined;
      await aws.close();
    }
  });
});
