import type { App, ViewSubmitAction } from '@slack/bolt';
import { validateAcceptRisk } from '../../risks/validate.js';
import type { ListenerDeps } from '../deps.js';
import { describeRiskTarget, mention, safe } from '../format.js';
import { mayDecideRisks } from '../listener-kit.js';
import { truncate } from '../mrkdwn.js';
import { RISK_VIEW_BLOCKS, RISK_VIEW_CALLBACK_ID, readAcceptRiskState, viewErrors, type AcceptRiskMetadata } from './accept-risk.js';

/**
 * The accept-risk modal's submission: validated (errors shown in the modal), approvers only, then stored with a trail
 * event and a note in the thread; Security Hub is updated by the `risks` queue's sync job.
 */
export function registerAcceptRiskSubmission(app: App, deps: ListenerDeps): void {
  app.view<ViewSubmitAction>(RISK_VIEW_CALLBACK_ID, async ({ ack, body, view, client }) => {
    const at = deps.now();
    const form = readAcceptRiskState(view.state.values as Parameters<typeof readAcceptRiskState>[0]);
    const checked = validateAcceptRisk(form, at, deps.config.app.acceptRiskMaxDays);
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
    const record = await deps.risks.accept(
      { target: meta.target, scope: checked.value.scope, reason: checked.value.reason, expiresAt: checked.value.expiresAt, acceptedBy: body.user.id },
      at,
    );
    if (deps.config.app.securityHubSync) {
      await deps.producers.enqueueRiskSync({ riskId: record.id, action: 'suppress' }).catch((err: unknown) => deps.logger.error({ err, riskId: record.id }, 'could not queue the Security Hub sync'));
    }
    if (meta.channelId) {
      const text = `:shield: ${mention(body.user.id)} accepted the risk of ${describeRiskTarget(record)} until *${checked.value.expiryDate}*.\n_${safe(record.reason, 500)}_\nIt is shown as SUPPRESSED until then${deps.config.app.securityHubSync ? ' (Security Hub findings too)' : ''}. \`/sagemaker-audit exceptions\` lists accepted risks.`;
      await client.chat
        .postMessage({ channel: meta.channelId, text, ...(meta.threadTs ? { thread_ts: meta.threadTs } : {}) })
        .catch((err: unknown) => deps.logger.warn({ err }, 'could not post the acceptance in the thread'));
    }
  });
}
