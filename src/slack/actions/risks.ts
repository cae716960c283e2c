import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { resourceOf } from '../../remediation/proposals.js';
import type { RiskTarget } from '../../risks/types.js';
import { exceptionsBlocks, exceptionsText } from '../blocks/exceptions.js';
import type { ListenerDeps } from '../deps.js';
import { channelOf, tellUser } from '../listener-kit.js';
import { describeRiskTarget } from '../format.js';
import { RISK_ACTION_IDS, acceptRiskView, parseAcceptRiskValue, type AcceptRiskMetadata } from '../views/accept-risk.js';

/**
 * Accepted risks, from buttons: "Accept risk" (on a proposal or a digest item) opens the modal for approvers (with the
 * click's trigger_id); "Revoke" (in `/sagemaker-audit exceptions`) ends one, and its Security Hub findings go back to
 * NEW through the `risks` queue: listeners never call AWS.
 */
export function registerRiskActions(app: App, deps: ListenerDeps): void {
  app.action<BlockAction<ButtonAction>>(RISK_ACTION_IDS.accept, async ({ ack, body, action, client }) => {
    await ack();
    const parsed = parseAcceptRiskValue(action.value);
    let targets: RiskTarget[] = [];
    let threadTs = (body.message as { thread_ts?: string; ts?: string } | undefined)?.thread_ts ?? body.message?.ts;
    let channelId = channelOf(body);
    if (parsed && 'proposalId' in parsed) {
      const found = await deps.proposals.get(parsed.proposalId);
      if (found) {
        const r = resourceOf(found.proposal);
        targets = found.proposal.results.map((x) => ({ controlId: x.controlId, accountId: r.accountId, region: r.region, resourceArn: r.resourceArn, resourceName: r.resourceName }));
        channelId = found.proposal.slack.channelId;
        threadTs = found.proposal.slack.threadTs;
      }
    } else if (parsed) targets = [parsed.target];
    const target = targets[0];
    if (!target) {
      await tellUser(client, body, ':warning: I cannot tell which finding this button was for (the proposal may have expired).', deps);
      return;
    }
    const allowed = await deps.approvers.mayDecideRisks(body.user.id);
    if (!allowed.allowed) {
      await deps.trail.record({ type: 'refused', actor: body.user.id, ...target, controlId: targets.map((t) => t.controlId).join(', '), detail: `accept risk: ${allowed.reason}` });
      await tellUser(client, body, `:no_entry: ${allowed.reason}`, deps);
      return;
    }
    const meta: AcceptRiskMetadata = { targets, ...(channelId ? { channelId } : {}), ...(threadTs ? { threadTs } : {}) };
    await client.views.open({ trigger_id: body.trigger_id, view: acceptRiskView(meta, deps.now(), deps.config.app.acceptRiskMaxDays) });
  });

  app.action<BlockAction<ButtonAction>>(RISK_ACTION_IDS.revoke, async ({ ack, body, action, client, respond }) => {
    await ack();
    const allowed = await deps.approvers.mayDecideRisks(body.user.id);
    if (!allowed.allowed) {
      await deps.trail.record({ type: 'refused', actor: body.user.id, detail: `revoke risk ${action.value ?? ''}: ${allowed.reason}` });
      await tellUser(client, body, `:no_entry: ${allowed.reason}`, deps);
      return;
    }
    const revoked = await deps.risks.revoke(action.value ?? '', body.user.id, deps.now());
    if (revoked && deps.config.app.securityHubSync && revoked.securityHub && revoked.securityHub.findings.length > 0) {
      await deps.producers.enqueueRiskSync({ riskId: revoked.id, action: 'restore' }).catch((err: unknown) => deps.logger.error({ err, riskId: revoked.id }, 'could not queue the Security Hub sync'));
    }
    const active = await deps.risks.listActive();
    await respond({ replace_original: true, text: exceptionsText(active), blocks: exceptionsBlocks(active, { canRevoke: true }) }).catch((err: unknown) =>
      deps.logger.warn({ err }, 'could not refresh the exceptions list'),
    );
    await tellUser(
      client,
      body,
      revoked ? `:wastebasket: Revoked: ${describeRiskTarget(revoked)}. It counts as failing again from the next audit.` : ':information_source: That accepted risk had already ended. Nothing changed.',
      deps,
    );
  });
}
