import { afterEach, describe, expect, it } from 'vitest';
import { DigestStateStore } from '../../src/digest/state.js';
import { RiskStore } from '../../src/risks/store.js';
import { DIGEST_ACTION_IDS } from '../../src/slack/blocks/digest.js';
import { ACTION_IDS } from '../../src/slack/ids.js';
import { RISK_ACTION_IDS, RISK_VIEW_CALLBACK_ID, acceptRiskValue, parseAcceptRiskValue } from '../../src/slack/views/accept-risk.js';
import { proposalBlocks } from '../../src/slack/blocks/proposal.js';
import { APPROVER, CHANNEL, OUTSIDER, SIGNING_SECRET, everyPostedString, startHarness, type Harness } from '../slack/harness.js';
import { blockActionsBody, postSigned } from '../support/slack-standin/index.js';
import { result } from '../digest/fixtures.js';
import { draftFor, type ProposableResult } from '../../src/remediation/proposals.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const nb = result({ name: 'nb-<!here>' });
const target = { controlId: nb.controlId, accountId: nb.accountId, region: nb.region, resourceArn: nb.resourceArn, resourceName: nb.resourceName };
let seq = 0;

function click(hh: Harness, actionId: string, value: string, userId: string, messageTs = '1700000000.000100') {
  const body = blockActionsBody({ actionId, value, userId, messageTs, channelId: CHANNEL, responseUrl: hh.standin.responseUrl(`click-${++seq}`) });
  return postSigned(hh.eventsUrl, SIGNING_SECRET, body);
}

function submit(hh: Harness, userId: string, view: Record<string, unknown>, values: { reason?: string; date?: string | null; scope?: string; controls?: string[] }) {
  const payload = {
    type: 'view_submission',
    team: { id: 'T0STANDIN', domain: 'standin' },
    user: { id: userId, username: userId.toLowerCase(), name: userId.toLowerCase(), team_id: 'T0STANDIN' },
    api_app_id: 'A0STANDIN',
    token: 'deprecated-verification-token',
    trigger_id: `trigger-${++seq}`,
    view: {
      ...view,
      team_id: 'T0STANDIN',
      state: {
        values: {
          risk_reason: { reason_input: { type: 'plain_text_input', value: values.reason ?? null } },
          risk_expiry: { expiry_input: { type: 'datepicker', selected_date: values.date ?? null } },
          risk_scope: { scope_input: { type: 'radio_buttons', selected_option: values.scope ? { value: values.scope } : null } },
          ...(values.controls ? { risk_controls: { controls_input: { type: 'checkboxes', selected_options: values.controls.map((value) => ({ value })) } } } : {}),
        },
      },
      hash: 'h',
    },
    response_urls: [],
  };
  return postSigned(hh.eventsUrl, SIGNING_SECRET, new URLSearchParams({ payload: JSON.stringify(payload) }).toString());
}

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

describe('Accept risk, exceptions and Revoke through the real Bolt receiver', () => {
  it('only approvers open the modal, validation errors come back in the modal, acceptance is stored and listed, revoke ends it', async () => {
    h = await startHarness({ env: { ACCEPT_RISK_MAX_DAYS: '30' } });
    const risks = new RiskStore(h.services.redis.worker, h.prefix);

    // A non-approver is refused, nothing opens.
    await click(h, RISK_ACTION_IDS.accept, acceptRiskValue(target), OUTSIDER);
    await h.standin.waitFor(() => h!.standin.callsTo('chat.postEphemeral').length === 1, 5000);
    expect(String(h.standin.callsTo('chat.postEphemeral')[0]!.args.text)).toContain('Only approvers may accept or revoke risks');
    expect(h.standin.callsTo('views.open')).toHaveLength(0);

    // An approver gets the modal, defaulting to the maximum (30 days < 90).
    await click(h, RISK_ACTION_IDS.accept, acceptRiskValue(target), APPROVER);
    await h.standin.waitFor(() => h!.standin.callsTo('views.open').length === 1, 5000);
    const view = h.standin.callsTo('views.open')[0]!.args.view as Record<string, unknown> & { blocks: Array<Record<string, unknown>> };
    expect(view.callback_id).toBe(RISK_VIEW_CALLBACK_ID);
    expect(JSON.stringify(view.blocks)).toContain(`"initial_date":"${day(30)}"`);
    expect(JSON.stringify(view.blocks)).not.toContain('<!here>');

    // Missing reason, past date → errors in the modal.
    const bad = await submit(h, APPROVER, view, { reason: ' ', date: day(-1), scope: 'resource' });
    expect(bad.status).toBe(200);
    expect(JSON.parse(bad.text)).toEqual({ response_action: 'errors', errors: { risk_reason: expect.any(String), risk_expiry: 'The expiry date must be after today.' } });
    const far = await submit(h, APPROVER, view, { reason: 'ok', date: day(45), scope: 'resource' });
    expect(JSON.parse(far.text).errors.risk_expiry).toContain('At most 30 days');
    // A non-approver submitting (e.g. a forwarded view) is refused too.
    const outsider = await submit(h, OUTSIDER, view, { reason: 'ok', date: day(10), scope: 'resource' });
    expect(JSON.parse(outsider.text).response_action).toBe('errors');
    expect(await risks.listActive()).toHaveLength(0);

    const ok = await submit(h, APPROVER, view, { reason: 'Legacy <b> notebook, replaced in Q1', date: day(10), scope: 'resource' });
    expect(ok.status).toBe(200);
    expect(ok.text).toBe('');
    await h.standin.waitFor(() => h!.standin.callsTo('chat.postMessage').some((c) => String(c.args.text).includes('accepted the risk')), 5000);
    const active = await risks.listActive();
    expect(active).toHaveLength(1);
    expect(active[0]).toMatchObject({ acceptedBy: APPROVER, reason: 'Legacy <b> notebook, replaced in Q1', scope: 'resource', resourceArn: nb.resourceArn, expiresAt: `${day(10)}T00:00:00.000Z` });

    // exceptions: approvers see Revoke; others do not; text is escaped.
    await h.command('exceptions', { userId: APPROVER, responseId: 'ex-approver' });
    await h.command('exceptions', { userId: OUTSIDER, responseId: 'ex-outsider' });
    await h.standin.waitFor(() => h!.standin.responses('ex-approver').length === 1 && h!.standin.responses('ex-outsider').length === 1, 5000);
    const listed = JSON.stringify(h.standin.responses('ex-approver')[0]);
    expect(h.standin.responses('ex-approver')[0]).toMatchObject({ response_type: 'ephemeral' });
    expect(listed).toContain(RISK_ACTION_IDS.revoke);
    expect(listed).toContain('nb-&lt;!here&gt;');
    expect(JSON.stringify(h.standin.responses('ex-outsider')[0])).not.toContain(RISK_ACTION_IDS.revoke);
    expect(everyPostedString(h.standin).some((s) => s.includes('<!here>') && !s.startsWith('{'))).toBe(false);

    // Revoke: refused for a non-approver, done once for an approver.
    await click(h, RISK_ACTION_IDS.revoke, active[0]!.id, OUTSIDER);
    await h.standin.waitFor(() => h!.standin.callsTo('chat.postEphemeral').length === 2, 5000);
    expect(await risks.listActive()).toHaveLength(1);
    await click(h, RISK_ACTION_IDS.revoke, active[0]!.id, APPROVER);
    await h.standin.waitFor(() => h!.standin.callsTo('chat.postEphemeral').length === 3, 5000);
    expect(await risks.listActive()).toHaveLength(0);
    expect((await risks.get(active[0]!.id))?.status).toBe('revoked');
    const trail = await h.services.web.trail.history();
    expect(trail.map((e) => e.type)).toEqual(['risk-revoked', 'refused', 'risk-accepted', 'refused']);
  });

  it('the Accept risk button on a pending proposal opens the modal for that proposal’s finding', async () => {
    h = await startHarness();
    const parent = h.standin.addUserMessage(CHANNEL, 'the audit');
    const proposal = { id: 'pacceptrisk1', createdAt: new Date().toISOString(), auditId: 'a1', requestedBy: 'U0REQUESTER', ...draftFor([nb as ProposableResult]), tags: null, slack: { channelId: CHANNEL, threadTs: parent.ts } };
    await h.services.web.proposals.createOrReuse(proposal);
    const policy = h.config.app.approvalPolicy;
    const blocks = proposalBlocks(proposal, { status: 'pending', updatedAt: new Date().toISOString() }, policy);
    const accessory = blocks.map((b) => (b.type === 'section' ? b.accessory : undefined)).find((a) => a && 'action_id' in a && a.action_id === RISK_ACTION_IDS.accept);
    expect(accessory && 'value' in accessory ? parseAcceptRiskValue(accessory.value) : null).toEqual({ proposalId: 'pacceptrisk1' });
    expect(JSON.stringify(proposalBlocks(proposal, { status: 'denied', updatedAt: new Date().toISOString() }, policy))).not.toContain(RISK_ACTION_IDS.accept);

    await click(h, RISK_ACTION_IDS.accept, acceptRiskValue({ proposalId: 'pacceptrisk1' }), APPROVER);
    await h.standin.waitFor(() => h!.standin.callsTo('views.open').length === 1, 5000);
    const view = h.standin.callsTo('views.open')[0]!.args.view as { private_metadata: string };
    expect(JSON.parse(view.private_metadata)).toEqual({ targets: [target], channelId: CHANNEL, threadTs: parent.ts });
    await submit(h, APPROVER, view as never, { reason: 'accepted from the proposal', date: day(5), scope: 'control-in-account' });
    await h.standin.waitFor(() => h!.standin.thread(CHANNEL, parent.ts).length === 1, 5000);
    expect(h.standin.thread(CHANNEL, parent.ts)[0]!.text).toContain('for every resource in account');
  });

  it('on a proposal for several controls, the modal lets the approver choose; one accepted risk per chosen control', async () => {
    h = await startHarness();
    const risks = new RiskStore(h.services.redis.worker, h.prefix);
    const parent = h.standin.addUserMessage(CHANNEL, 'the audit');
    const results = ['SageMaker.1', 'SageMaker.2', 'SageMaker.21'].map((controlId) => result({ name: 'nb-three', controlId })) as ProposableResult[];
    const proposal = { id: 'pthree1', createdAt: new Date().toISOString(), auditId: 'a1', requestedBy: 'U0REQUESTER', ...draftFor(results), tags: null, slack: { channelId: CHANNEL, threadTs: parent.ts } };
    await h.services.web.proposals.createOrReuse(proposal);
    await click(h, RISK_ACTION_IDS.accept, acceptRiskValue({ proposalId: 'pthree1' }), APPROVER);
    await h.standin.waitFor(() => h!.standin.callsTo('views.open').length === 1, 5000);
    const view = h.standin.callsTo('views.open')[0]!.args.view as { private_metadata: string; blocks: { block_id?: string }[] };
    expect(view.blocks.some((b) => b.block_id === 'risk_controls')).toBe(true);

    // Nothing chosen: an error in the modal, nothing stored.
    const none = await submit(h, APPROVER, view as never, { reason: 'r', date: day(5), scope: 'resource', controls: [] });
    expect(JSON.parse(none.text)).toMatchObject({ response_action: 'errors', errors: { risk_controls: expect.any(String) } });
    expect(await risks.listActive()).toEqual([]);

    // A control the modal did not offer is ignored.
    await submit(h, APPROVER, view as never, { reason: 'owner rebuilds it next sprint', date: day(5), scope: 'resource', controls: ['SageMaker.1', 'SageMaker.21', 'SageMaker.3'] });
    await h.standin.waitFor(() => h!.standin.thread(CHANNEL, parent.ts).length === 1, 5000);
    expect((await risks.listActive()).map((r) => r.controlId).sort()).toEqual(['SageMaker.1', 'SageMaker.21']);
  });

  it('Propose fix on a digest item posts one proposal in the digest thread', async () => {
    h = await startHarness();
    const state = new DigestStateStore(h.services.redis.worker, h.prefix);
    const parent = h.standin.addUserMessage(CHANNEL, 'the digest');
    await state.saveItems('dtest', [{ runId: 'dtest', result: nb, channelId: CHANNEL, threadTs: parent.ts }]);
    await click(h, DIGEST_ACTION_IDS.proposeFix, 'dtest:0', OUTSIDER);
    await h.standin.waitFor(() => h!.standin.callsTo('chat.postMessage').length === 1, 5000);
    const post = h.standin.callsTo('chat.postMessage')[0]!;
    expect(post.response.ok).toBe(true);
    expect(post.args.thread_ts).toBe(parent.ts);
    expect(h.standin.thread(CHANNEL, parent.ts)).toHaveLength(1);
    expect(JSON.stringify(post.args.blocks)).toContain(ACTION_IDS.approve);
    // A second click does not make a second proposal.
    await click(h, DIGEST_ACTION_IDS.proposeFix, 'dtest:0', APPROVER);
    await h.standin.waitFor(() => h!.standin.callsTo('chat.postEphemeral').length === 1, 5000);
    expect(String(h.standin.callsTo('chat.postEphemeral')[0]!.args.text)).toContain('already proposed');
    expect(h.standin.callsTo('chat.postMessage')).toHaveLength(1);
    // An unknown item answers plainly.
    await click(h, DIGEST_ACTION_IDS.proposeFix, 'dgone:3', APPROVER);
    await h.standin.waitFor(() => h!.standin.callsTo('chat.postEphemeral').length === 2, 5000);
    expect(String(h.standin.callsTo('chat.postEphemeral')[1]!.args.text)).toContain('too old');
  });
});
