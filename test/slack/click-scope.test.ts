import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/audit/report.js';
import { summarize } from '../../src/audit/summary.js';
import { ACTION_IDS } from '../../src/slack/ids.js';
import { blockActionsBody, postSigned } from '../support/slack-standin/index.js';
import { failedResult } from './fixtures.js';
import { CHANNEL, eventually, GROUP_MEMBER, SIGNING_SECRET, startHarness, type Harness } from './harness.js';

/**
 * An Approve click counts only from the proposal's own message: the channel and the workspace the click came from
 * must be the proposal's. Real Bolt receiver, signed requests, real Redis and the real audit worker.
 */

let h: Harness;
let proposalId: string;
let messageTs: string;

function report(): AuditReport {
  const results = [failedResult({ accountId: '111111111111', resourceArn: 'arn:aws:sagemaker:us-east-1:111111111111:notebook-instance/nb-1' })];
  return {
    generatedAt: new Date().toISOString(),
    durationMs: 5,
    scope: { accounts: ['111111111111'], regions: ['us-east-1'], controls: ['SageMaker.2'], source: 'sagemaker' },
    summary: summarize(results),
    results,
    errors: [],
    notes: [],
  };
}

async function click(o: { channelId: string; teamId?: string }): Promise<number> {
  const body = blockActionsBody({
    actionId: ACTION_IDS.approve,
    value: proposalId,
    userId: GROUP_MEMBER,
    messageTs,
    channelId: o.channelId,
    ...(o.teamId ? { teamId: o.teamId } : {}),
    responseUrl: h.standin.responseUrl(`click-${Math.random()}`),
  });
  return (await postSigned(h.eventsUrl, SIGNING_SECRET, body)).status;
}

beforeAll(async () => {
  h = await startHarness({ workers: true, runAudit: async () => report() });
  await h.command('us-east-1');
  await eventually(async () => (await h.auditJobs()).some((j) => j.returnvalue), 20_000, 'the audit job');
  const [job] = await h.auditJobs();
  const thread = h.standin.thread(CHANNEL, job!.data.statusMessageTs as string);
  const message = thread.find((m) => JSON.stringify(m.blocks ?? []).includes(ACTION_IDS.approve))!;
  messageTs = message.ts;
  proposalId = JSON.stringify(message.blocks).match(/"value":"(p[A-Za-z0-9]+)"/)![1]!;
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe('Approve click scope', () => {
  it('a proposal keeps the channel and the workspace of the command that found it', async () => {
    const found = await h.services.web.proposals.get(proposalId);
    expect(found?.proposal.slack).toMatchObject({ channelId: CHANNEL, teamId: 'T0STANDIN' });
  });

  it('a click from another channel is refused, tells the person, changes nothing and is in the trail', async () => {
    expect(await click({ channelId: 'C0OTHER' })).toBe(200);
    await h.standin.waitFor(() => h.standin.ephemerals.some((e) => e.user === GROUP_MEMBER && (e.text ?? '').includes('another channel')), 5000);
    expect((await h.services.web.proposals.get(proposalId))!.state.status).toBe('pending');
    expect(await h.remediationJobs()).toHaveLength(0);
    const trail = await h.services.web.trail.history({ resource: proposalId });
    expect(trail[0]).toMatchObject({ type: 'refused', actor: GROUP_MEMBER, detail: expect.stringContaining('C0OTHER') });
  });

  it('a click from another workspace is refused too', async () => {
    expect(await click({ channelId: CHANNEL, teamId: 'T0ELSEWHERE' })).toBe(200);
    await h.standin.waitFor(() => h.standin.ephemerals.some((e) => e.user === GROUP_MEMBER && (e.text ?? '').includes('another workspace')), 5000);
    expect((await h.services.web.proposals.get(proposalId))!.state.status).toBe('pending');
    expect(await h.remediationJobs()).toHaveLength(0);
  });

  it('the same click from the proposal message itself approves', async () => {
    await click({ channelId: CHANNEL });
    await eventually(async () => (await h.services.web.proposals.get(proposalId))!.state.status !== 'pending', 5000, 'the approval');
    expect((await h.services.web.proposals.get(proposalId))!.state.decidedBy).toBe(GROUP_MEMBER);
  });
});

describe('usage errors echo the text escaped', () => {
  it('a mention or a code span in the command text reaches Slack escaped', async () => {
    const res = await h.command('<!channel> <@U123> `x` account=<!here>');
    await h.standin.waitFor(() => h.standin.responsePosts.some((p) => p.id === res.responseId), 5000);
    const text = JSON.stringify(h.standin.responsePosts.find((p) => p.id === res.responseId)!.body);
    expect(text).toContain("I don't understand");
    for (const raw of ['<!channel>', '<@U123>', '<!here>', '`x`']) expect(text).not.toContain(raw);
    expect(text).toContain('&lt;!channel&gt;');
  });
});
