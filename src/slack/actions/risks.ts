import type { App, BlockAction, ButtonAction, ViewSubmitAction } from '@slack/bolt';
import type { Logger } from 'pino';
import type { AppConfig } from '../../config.js';
import type { DigestProducer } from '../../digest/queue.js';
import type { DigestStateStore } from '../../digest/state.js';
import { newProposalId, type ProposalStore } from '../../remediation/proposals.js';
import type { AuditTrail } from '../../remediation/trail.js';
import type { RiskStore } from '../../risks/store.js';
import type { AcceptedRiskRecord, RiskTarget } from '../../risks/types.js';
import { validateAcceptRisk } from '../../risks/validate.js';
import type { ApproverCheck } from '../approvers.js';
import { DIGEST_ACTION_IDS, parseDigestItemValue } from '../blocks/digest.js';
import { exceptionsBlocks, exceptionsText } from '../blocks/exceptions.js';
import { mention, safe } from '../format.js';
import { code, escapeMrkdwn, truncate } from '../mrkdwn.js';
import { channelOf, tellUser } from '../ephemeral.js';
import { postProposal } from '../proposals.js';
import {
  RISK_ACTION_IDS,
  RISK_VIEW_BLOCKS,
  RISK_VIEW_CALLBACK_ID,
  acceptRiskView,
  parseAcceptRiskValue,
  readAcceptRiskState,
  viewErrors,
  type AcceptRiskMetadata,
} from '../views/accept-risk.js';

/**
 * Accepted risks and the digest's buttons:
 * - "Accept risk" (proposal or digest item) → approvers only → modal (views.open with the click's trigger_id);
 * - modal submission → validated (errors shown in the modal) → stored, trail event, note in the thread;
 *   Security Hub is updated by the digest worker (`risk-sync` job): listeners never call AWS;
 * - "Revoke" in `/sagemaker-audit exceptions` → approvers only → ended, trail event, findings back to NEW;
 * - "Propose fix" on a digest item → a proposal in the digest's thread, as the audit worker makes them.
 */
export interface RiskActionDeps {
  config: Pick<AppConfig, 'acceptRiskMaxDays' | 'securityHubSync'>;
  risks: RiskStore;
  proposals: ProposalStore;
  digestState: DigestStateStore;
  digestProducer: Pick<DigestProducer, 'enqueueRiskSync'>;
  trail: AuditTrail;
  approvers: ApproverCheck;
  logger: Logger;
  now?: () => Date;
}

/** The approver check, worded for risks (the same people who may approve fixes may accept or revoke risks). */
export async function mayDecideRisks(approvers: ApproverCheck, userId: string): Promise<{ allowed: true } | { allowed: false; reason: string }> {
  // No requester: the two-person rule is about fixes someone asked for; accepting a risk is the approver's own act.
  const d = await approvers.check(userId, 'approve', '');
  return d.allowed ? d : { allowed: false, reason: `Only approvers may accept or revoke risks. ${d.reason.replace(/^Only approvers may approve fixes: /, 'Approvers: ')}` };
}

function describeTarget(r: Pick<AcceptedRiskRecord, 'scope' | 'controlId' | 'resourceName' | 'accountId' | 'region'>): string {
  return r.scope === 'resource'
    ? `*${escapeMrkdwn(r.controlId)}* for ${code(truncate(r.resourceName, 100))} (${code(r.accountId)}/${code(r.region)})`
    : `*${escapeMrkdwn(r.controlId)}* for every resource in account ${code(r.accountId)}`;
}

export function registerRiskActions(app: App, deps: RiskActionDeps): void {
  const { risks, proposals, trail, logger } = deps;
  const now = deps.now ?? (() => new Date());

  app.action<BlockAction<ButtonAction>>(RISK_ACTION_IDS.accept, async ({ ack, body, action, client }) => {
    await ack();
    const parsed = parseAcceptRiskValue(action.value);
    let target: RiskTarget | undefined;
    let threadTs = (body.message as { thread_ts?: string; ts?: string } | undefined)?.thread_ts ?? body.message?.ts;
    let channelId = channelOf(body);
    if (parsed && 'proposalId' in parsed) {
      const found = await proposals.get(parsed.proposalId);
      if (found) {
        const r = found.proposal.result;
        target = { controlId: r.controlId, accountId: r.accountId, region: r.region, resourceArn: r.resourceArn, resourceName: r.resourceName };
        channelId = found.proposal.slack.channelId;
        threadTs = found.proposal.slack.threadTs;
      }
    } else if (parsed) target = parsed.target;
    if (!target) {
      await tellUser(client, body, ':warning: I cannot tell which finding this button was for (the proposal may have expired).', logger);
      return;
    }
    const allowed = await mayDecideRisks(deps.approvers, body.user.id);
    if (!allowed.allowed) {
      await trail.record({ type: 'refused', actor: body.user.id, ...target, detail: `accept risk: ${allowed.reason}` });
      await tellUser(client, body, `:no_entry: ${allowed.reason}`, logger);
      return;
    }
    const meta: AcceptRiskMetadata = { target, ...(channelId ? { channelId } : {}), ...(threadTs ? { threadTs } : {}) };
    await client.views.open({ trigger_id: body.trigger_id, view: acceptRiskView(meta, now(), deps.config.acceptRiskMaxDays) });
  });

  app.view<ViewSubmitAction>(RISK_VIEW_CALLBACK_ID, async ({ ack, body, view, client }) => {
    const at = now();
    const form = readAcceptRiskState(view.state.values as Parameters<typeof readAcceptRiskState>[0]);
    const checked = validateAcceptRisk(form, at, deps.config.acceptRiskMaxDays);
    if (!checked.ok) {
      await ack({ response_action: 'errors', errors: viewErrors(checked.errors) });
      return;
    }
    const allowed = await mayDecideRisks(deps.approvers, body.user.id);
    if (!allowed.allowed) {
      await ack({ response_action: 'errors', errors: { [RISK_VIEW_BLOCKS.reason]: truncate(allowed.reason.replace(/<[^>]*>/g, 'an approver'), 150) } });
      return;
    }
    let meta: AcceptRiskMetadata;
    try {
      meta = JSON.parse(view.private_metadata) as AcceptRiskMetadata;
    } catch {
      await ack({ response_action: 'errors', errors: { [RISK_VIEW_BLOCKS.reason]: 'This form is damaged; open it again from the button.' } });
      return;
    }
    await ack();
    const record = await risks.accept(
      { target: meta.target, scope: checked.value.scope, reason: checked.value.reason, expiresAt: checked.value.expiresAt, acceptedBy: body.user.id },
      at,
    );
    if (deps.config.securityHubSync) {
      await deps.digestProducer.enqueueRiskSync({ riskId: record.id, action: 'suppress' }).catch((err: unknown) => logger.error({ err, riskId: record.id }, 'could not queue the Security Hub sync'));
    }
    if (meta.channelId) {
      const text = `:shield: ${mention(body.user.id)} accepted the risk of ${describeTarget(record)} until *${checked.value.expiryDate}*.\n_${safe(record.reason, 500)}_\nIt is shown as SUPPRESSED until then${deps.config.securityHubSync ? ' (Security Hub findings too)' : ''}. \`/sagemaker-audit exceptions\` lists accepted risks.`;
      await client.chat
        .postMessage({ channel: meta.channelId, text, ...(meta.threadTs ? { thread_ts: meta.threadTs } : {}) })
        .catch((err: unknown) => logger.warn({ err }, 'could not post the acceptance in the thread'));
    }
  });

  app.action<BlockAction<ButtonAction>>(RISK_ACTION_IDS.revoke, async ({ ack, body, action, client, respond }) => {
    await ack();
    const allowed = await mayDecideRisks(deps.approvers, body.user.id);
    if (!allowed.allowed) {
      await trail.record({ type: 'refused', actor: body.user.id, detail: `revoke risk ${action.value ?? ''}: ${allowed.reason}` });
      await tellUser(client, body, `:no_entry: ${allowed.reason}`, logger);
      return;
    }
    const revoked = await risks.revoke(action.value ?? '', body.user.id, now());
    if (revoked && deps.config.securityHubSync && revoked.securityHub && revoked.securityHub.findings.length > 0) {
      await deps.digestProducer.enqueueRiskSync({ riskId: revoked.id, action: 'restore' }).catch((err: unknown) => logger.error({ err, riskId: revoked.id }, 'could not queue the Security Hub sync'));
    }
    const active = await risks.listActive();
    await respond({ replace_original: true, text: exceptionsText(active), blocks: exceptionsBlocks(active, { canRevoke: true }) }).catch((err: unknown) =>
      logger.warn({ err }, 'could not refresh the exceptions list'),
    );
    await tellUser(
      client,
      body,
      revoked ? `:wastebasket: Revoked: ${describeTarget(revoked)}. It counts as failing again from the next audit.` : ':information_source: That accepted risk had already ended. Nothing changed.',
      logger,
    );
  });

  app.action<BlockAction<ButtonAction>>(DIGEST_ACTION_IDS.proposeFix, async ({ ack, body, action, client }) => {
    await ack();
    const ref = parseDigestItemValue(action.value);
    const item = ref ? await deps.digestState.getItem(ref.runId, ref.index) : null;
    if (!ref || !item || !item.result.remediation) {
      await tellUser(client, body, ':warning: This digest item is too old to propose a fix from (kept 7 days). Run `/sagemaker-audit` for a fresh proposal.', logger);
      return;
    }
    const id = newProposalId();
    const existing = await deps.digestState.claimProposal(ref.runId, ref.index, id);
    if (existing) {
      await tellUser(client, body, `:information_source: A fix for this item was already proposed in the thread (proposal ${code(existing)}).`, logger);
      return;
    }
    const result = { ...item.result, remediation: item.result.remediation };
    const at = now();
    try {
      await postProposal({ proposals, trail }, result, {
        id,
        auditId: `digest-${ref.runId}`,
        requestedBy: body.user.id,
        slack: { channelId: item.channelId, threadTs: item.threadTs },
        actor: body.user.id,
        detail: `from digest ${ref.runId}`,
        now: () => at,
        post: (message) => client.chat.postMessage({ channel: item.channelId, thread_ts: item.threadTs, text: message.text, blocks: message.blocks }),
      });
    } catch (err) {
      await deps.digestState.releaseProposal(ref.runId, ref.index, id);
      logger.error({ err, proposalId: id }, 'could not propose a fix from the digest');
      await tellUser(client, body, ':warning: I could not post the proposal. Try again in a moment.', logger);
    }
  });
}
