import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { AuditReport, AuditResult, CoveredScope } from '../../src/audit/report.js';
import { summarize } from '../../src/audit/summary.js';
import { RiskStore } from '../../src/risks/store.js';
import { HOME_WAITING_SHOWN } from '../../src/slack/blocks/home.js';
import { ACTION_IDS, HOME_ACTION_IDS, HOME_BLOCK_IDS } from '../../src/slack/ids.js';
import { createNotebook, factoryFor, useFakeCredentials } from '../audit/standin-helpers.js';
import { startAwsStandin } from '../support/aws-standin/index.js';
import { eventRequest, eventRequestBody, homeBlockActionsBody, postSigned } from '../support/slack-standin/index.js';
import { failedResult, plan } from './fixtures.js';
import { APPROVER, CHANNEL, GROUP_MEMBER, OUTSIDER, REQUESTER, SIGNING_SECRET, eventually, startHarness, type Harness } from './harness.js';

/**
 * App Home through the real receiver: a signed app_home_opened event publishes the view (validated by the Slack
 * stand-in: Block Kit, 100 blocks, 250 kB); it shows the posture kept by the last full audit and digest, the proposals
 * waiting for the person who opened it, risks expiring soon, and runs an audit or a digest into a chosen channel.
 */

type Json = Record<string, unknown>;
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

function report(scope: CoveredScope, failing: number, extra = 0): AuditReport {
  const results: AuditResult[] = [];
  for (let i = 0; i < failing; i++) {
    const name = i % 89 === 0 ? `<!channel>-${i}` : `nb-${String(i).padStart(5, '0')}`;
    results.push(
      failedResult({
        controlId: ['SageMaker.3', 'SageMaker.8', 'SageMaker.1'][i % 3]!,
        resourceName: name,
        resourceArn: `arn:aws:sagemaker:us-east-1:111111111111:notebook-instance/${name}`,
        severity: (['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'] as const)[i % 4],
        remediation: plan({ kind: 'in-place', verify: { controlId: 'SageMaker.3' } }),
      }) as AuditResult,
    );
  }
  for (let i = 0; i < extra; i++) results.push({ ...failedResult({ resourceName: `ok-${i}` }), status: 'PASSED', remediation: null } as AuditResult);
  return { generatedAt: new Date().toISOString(), durationMs: 5, scope, summary: summarize(results, scope), results, errors: [], notes: [] };
}

const open = (hh: Harness, user: string) => eventRequest(hh.eventsUrl, SIGNING_SECRET, eventRequestBody(hh.standin.appHomeOpenedEvent(user)));
const blocksOf = (hh: Harness, user: string) => (hh.standin.homeView(user)?.blocks ?? []) as Json[];
const textOf = (hh: Harness, user: string) => JSON.stringify(blocksOf(hh, user));
const publishes = (hh: Harness, user: string) => hh.standin.callsTo('views.publish').filter((c) => c.args.user_id === user && c.response.ok === true).length;

function press(hh: Harness, user: string, actionId: string, value?: string, values: Record<string, Record<string, Json>> = {}) {
  return postSigned(hh.eventsUrl, SIGNING_SECRET, homeBlockActionsBody({ actionId, userId: user, view: hh.standin.homeView(user)!, values, ...(value !== undefined ? { value } : {}) }));
}
const pick = (channel: string) => ({ [HOME_BLOCK_IDS.run]: { [HOME_ACTION_IDS.channel]: { type: 'conversations_select', selected_conversation: channel } } });

describe('App Home', () => {
  it('manifest.yml turns the Home tab on and subscribes to app_home_opened', () => {
    const manifest = parseYaml(readFileSync('manifest.yml', 'utf8')) as { features: { app_home: Json }; settings: { event_subscriptions: { bot_events: string[] } } };
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
    expect(manifest.settings.event_subscriptions.bot_events).toContain('app_home_opened');
  });

  it('before any audit it says so; after a full audit it shows the posture and what waits for this person, and refreshes by itself', async () => {
    h = await startHarness({ workers: ['audit'], runAudit: async (scope) => report(scope, 12) });
    const hh = h;
    const res = await open(hh, APPROVER);
    expect(res.status).toBe(200);
    await eventually(() => publishes(hh, APPROVER) === 1, 5000, 'the first Home');
    expect(textOf(hh, APPROVER)).toContain('No audit of the whole configured scope yet');
    await open(hh, OUTSIDER);
    await open(hh, REQUESTER);
    await eventually(() => publishes(hh, OUTSIDER) === 1 && publishes(hh, REQUESTER) === 1, 5000, 'the other Homes');

    // A full audit: its posture is kept, and every recent Home is published again without anyone opening it.
    await hh.command('', { userId: REQUESTER });
    await eventually(async () => (await hh.auditJobs()).some((j) => j.returnvalue), 30_000, 'the audit');
    await eventually(() => publishes(hh, APPROVER) === 2 && publishes(hh, OUTSIDER) === 2, 10_000, 'the refresh');
    const approverHome = textOf(hh, APPROVER);
    expect(approverHome).toContain('*12 failing checks*');
    expect(approverHome).toContain('the last full audit');
    expect(approverHome).toContain('*Oldest open failures*');
    // Ten proposals were posted (the thread's first page); the approver may approve each, the requester none (two-person rule).
    expect(approverHome).toContain('*Waiting for your approval* (10)');
    expect(blocksOf(hh, APPROVER).filter((b) => String(b.block_id ?? '').startsWith('home-wa-'))).toHaveLength(HOME_WAITING_SHOWN);
    expect(approverHome).toContain(ACTION_IDS.approve);
    expect(textOf(hh, REQUESTER)).toContain('*Waiting for your approval* (0)');
    expect(textOf(hh, OUTSIDER)).toContain('*Waiting for your approval* (0)');
    expect(approverHome).not.toContain('<!channel>');

    // A narrower audit refreshes Home but does not replace the posture of the whole scope.
    await hh.command('control=SageMaker.3', { userId: REQUESTER });
    await eventually(async () => (await hh.auditJobs()).filter((j) => j.returnvalue).length === 2, 30_000, 'the narrow audit');
    await eventually(() => publishes(hh, APPROVER) === 3, 10_000, 'the second refresh');
    expect(textOf(hh, APPROVER)).toContain('*12 failing checks*');
    expect(hh.standin.calls.filter((c) => c.method === 'views.publish' && c.response.ok !== true)).toEqual([]);
  });

  it('Approve and Deny on Home decide the proposal (policy, trail, queue) and answer at the top of Home', async () => {
    // The audit worker only: approved fixes stay queued (no AWS here to run them against).
    h = await startHarness({ workers: ['audit'], runAudit: async (scope) => report(scope, 2) });
    const hh = h;
    await hh.command('', { userId: REQUESTER });
    await eventually(async () => (await hh.auditJobs()).some((j) => j.returnvalue), 30_000, 'the audit');
    await open(hh, GROUP_MEMBER);
    await eventually(() => textOf(hh, GROUP_MEMBER).includes('*Waiting for your approval* (2)'), 5000, 'the Home');
    const [first, second] = (await hh.services.web.proposals.pending()).map((p) => p.proposal.id);

    await press(hh, GROUP_MEMBER, ACTION_IDS.approve, first);
    await eventually(async () => (await hh.remediationJobs()).length === 1, 5000, 'the remediation job');
    await eventually(() => textOf(hh, GROUP_MEMBER).includes('Approved: the fix of'), 5000, 'the answer on Home');
    expect(textOf(hh, GROUP_MEMBER)).toContain('*Waiting for your approval* (1)');
    expect((await hh.services.web.trail.history({ resource: first! }))[0]).toMatchObject({ type: 'approved', actor: GROUP_MEMBER });
    // The proposal message in the thread shows the decision too.
    const found = (await hh.services.web.proposals.get(first!))!;
    await eventually(() => JSON.stringify(hh.standin.message(CHANNEL, found.proposal.slack.messageTs!)?.blocks).includes(`Approved by <@${GROUP_MEMBER}>`), 5000, 'the thread message');

    // An outsider's forged click is refused on their own Home; nothing changes.
    await open(hh, OUTSIDER);
    await eventually(() => publishes(hh, OUTSIDER) === 1, 5000, 'the outsider Home');
    await press(hh, OUTSIDER, ACTION_IDS.approve, second);
    await eventually(() => textOf(hh, OUTSIDER).includes('Only approvers'), 5000, 'the refusal on Home');
    expect((await hh.services.web.proposals.get(second!))!.state.status).toBe('pending');

    await press(hh, GROUP_MEMBER, ACTION_IDS.deny, second);
    await eventually(async () => (await hh.services.web.proposals.get(second!))!.state.status === 'denied', 5000, 'the denial');
    await eventually(() => textOf(hh, GROUP_MEMBER).includes('You denied the fix'), 5000, 'the answer');
    expect(textOf(hh, GROUP_MEMBER)).toContain('*Waiting for your approval* (0)');
  });

  it('runs an audit or a digest into the chosen channel; without a channel it asks for one', async () => {
    h = await startHarness({ runAudit: async (scope) => report(scope, 1) });
    const hh = h;
    await open(hh, OUTSIDER);
    await eventually(() => publishes(hh, OUTSIDER) === 1, 5000, 'the Home');

    await press(hh, OUTSIDER, HOME_ACTION_IDS.audit, 'audit');
    await eventually(() => textOf(hh, OUTSIDER).includes('Pick a channel for the audit first'), 5000, 'the question');
    expect(await hh.auditJobs()).toEqual([]);

    await press(hh, OUTSIDER, HOME_ACTION_IDS.audit, 'audit', pick('C0OTHER'));
    await eventually(async () => (await hh.auditJobs()).length === 1, 5000, 'the audit job');
    const [job] = await hh.auditJobs();
    expect(job!.data).toMatchObject({ channelId: 'C0OTHER', requestedBy: OUTSIDER, request: { accounts: ['111111111111'], regions: ['us-east-1'], controls: [], source: 'both' } });
    expect(hh.standin.messages('C0OTHER')[0]!.text).toContain('Auditing');
    await eventually(() => textOf(hh, OUTSIDER).includes('Auditing the configured scope into <#C0OTHER>'), 5000, 'the answer');

    await press(hh, OUTSIDER, HOME_ACTION_IDS.digest, 'digest', pick(CHANNEL));
    await eventually(async () => (await hh.services.producers.digest.getJobs(['waiting'])).length === 1, 5000, 'the digest job');
    expect((await hh.services.producers.digest.getJobs(['waiting']))[0]!.data).toEqual({ requestedBy: OUTSIDER, channelId: CHANNEL });

    // A channel the bot cannot post in: said on Home, nothing queued.
    await press(hh, OUTSIDER, HOME_ACTION_IDS.audit, 'audit', pick('C0NOWHERE'));
    await eventually(() => textOf(hh, OUTSIDER).includes('I could not post in this channel'), 5000, 'the refusal');
    expect(await hh.auditJobs()).toHaveLength(1);
    await hh.services.producers.digest.obliterate({ force: true });
  });

  it('after a digest: its posture and its 30-day chart as an image of the uploaded file', async () => {
    h = await startHarness({ workers: ['digest'], runAudit: async (scope) => report(scope, 3, 5) });
    const hh = h;
    await open(hh, APPROVER);
    await eventually(() => publishes(hh, APPROVER) === 1, 5000, 'the Home');
    await hh.command('digest');
    await eventually(() => textOf(hh, APPROVER).includes(HOME_BLOCK_IDS.chart) && textOf(hh, APPROVER).includes('slack_file'), 30_000, 'the chart on Home');
    const image = blocksOf(hh, APPROVER).find((b) => b.block_id === HOME_BLOCK_IDS.chart) as { type: string; slack_file: { id: string } };
    expect(image.type).toBe('image');
    const file = hh.standin.files.get(image.slack_file.id)!;
    expect(file.filename).toMatch(/^sagemaker-trend-\d{4}-\d{2}-\d{2}\.png$/);
    expect(file.completed).toBe(true);
    expect(textOf(hh, APPROVER)).toContain('the daily digest');
    await hh.services.producers.digest.obliterate({ force: true });
  });

  it('10,000 results in Redis and many risks and proposals: Home renders within Slack’s limits, and opening it calls no AWS', async () => {
    useFakeCredentials();
    const aws = await startAwsStandin({ defaultAccountId: '111111111111', transitionDelayMs: 0 });
    try {
      createNotebook(aws, '111111111111', 'us-east-1', 'nb-real', { RootAccess: 'Enabled' });
      h = await startHarness({ workers: ['audit'], clientFactory: factoryFor(aws), runAudit: async (scope) => report(scope, 4000, 6000) });
      const hh = h;
      const risks = new RiskStore(hh.services.redis.worker, hh.prefix);
      for (let i = 0; i < 300; i++) {
        await risks.accept({
          target: { controlId: 'SageMaker.3', accountId: '111111111111', region: 'us-east-1', resourceArn: `arn:aws:sagemaker:us-east-1:111111111111:notebook-instance/r-${i}`, resourceName: `r-${i}<!here>` },
          scope: 'resource',
          reason: `reason ${'x'.repeat(i % 200)} <@U123>`,
          expiresAt: new Date(Date.now() + (1 + (i % 5)) * 86_400_000).toISOString(),
          acceptedBy: APPROVER,
        });
      }
      await hh.command('', { userId: REQUESTER });
      await eventually(async () => (await hh.auditJobs()).some((j) => j.returnvalue), 60_000, 'the audit of 10,000 results');
      const before = aws.calls.length;
      await open(hh, APPROVER);
      await eventually(() => publishes(hh, APPROVER) === 1, 10_000, 'the Home');
      expect(aws.calls.length).toBe(before);
      const call = hh.standin.callsTo('views.publish').find((c) => c.args.user_id === APPROVER)!;
      expect(call.response.ok).toBe(true);
      const view = call.args.view as { blocks: unknown[] };
      expect(view.blocks.length).toBeLessThanOrEqual(100);
      expect(Buffer.byteLength(JSON.stringify(view))).toBeLessThan(250 * 1024);
      const text = textOf(hh, APPROVER);
      expect(text).toContain('*4000 failing checks*');
      expect(text).toContain('*Accepted risks expiring within 7 days* (300)');
      expect(text).not.toContain('<!here>');
      expect(text).not.toContain('<@U123>');
    } finally {
      await h?.close();
      h = undefined;
      await aws.close();
    }
  }, 120_000);
});
