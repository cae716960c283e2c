import type { App, ViewSubmitAction } from '@slack/bolt';
import { validateAcceptRisk } from '../../risks/validate.js';
import type { ListenerDeps } from '../deps.js';
import { describeRiskTarget, mention, safe } from '../format.js';
import { truncate } from '../mrkdwn.js';
import { RISK_VIEW_BLOCKS, RISK_VIEW_CALLBACK_ID, readAcceptRiskState, viewErrors, type AcceptRiskMetadata } from './accept-risk.js';

/**
 * The accept-risk modal's submission: validated (errors shown in the modal), approvers only, then one accepted risk
 * per chosen control, each stored with a trail event, and one note in the thread; Security Hub is updated by the
 * `risks` queue's sync job.
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
    const allowed = await deps.approvers.mayDecideRisks(body.user.id);
    if (!allowed.allowed) {
      await ack({ response_action: 'errors', errors: { [RISK_VIEW_BLOCKS.reason]: truncate(allowed.reason.replace(/<[^>]*>/g, 'an approver'), 150) } });
      return;
    }
    let meta: AcceptRiskMetadata;
    try {
      meta = JSON.parse(view.private_metadata) as AcceptRiskMetadata;
      if (!Array.isArray(meta.targets) || meta.targets.length === 0) throw new Error('no targets');
    } catch {
      await ack({ response_action: 'errors', errors: { [RISK_VIEW_BLOCKS.reason]: 'This form is damaged; open it again from the button.' } });
      return;
    }
    // The modal offers a choice only for several controls; what is chosen must be among them.
    const targets = form.controls === null ? meta.targets.slice(0, 1) : meta.targets.filter((t) => form.controls!.includes(t.controlId));
    if (targets.length === 0) {
      await ack({ response_action: 'errors', errors: viewErrors({ controls: 'Choose at least one control.' }) });
      return;
    }
    await ack();
    const records = [];
    for (const target of targets) {
      const record = await deps.risks.accept({ target, scope: checked.value.scope, reason: checked.value.reason, expiresAt: checked.value.expiresAt, acceptedBy: body.user.id }, at);
      records.push(record);
      if (deps.config.app.securityHubSync) {
        await deps.producers.enqueueRiskSync({ riskId: record.id, action: 'suppress' }).catch((err: unknown) => deps.logger.error({ err, riskId: record.id }, 'could not queue the Security Hub sync'));
      }
    }
    if (meta.channelId) {
      const text = `:shield: ${mention(body.user.id)} accepted the risk of ${records.map((r) => describeRiskTarget(r)).join(', ')} until *${checked.value.expiryDate}*.\n_${safe(checked.value.reason, 500)}_\nIt is shown as SUPPRESSED until then${deps.config.app.securityHubSync ? ' (Security Hub findings too)' : ''}. \`/sagemaker-audit exceptions\` lists accepted risks.`;
      await client.chat
        .postMessage({ channel: meta.channelId, text, ...(meta.threadTs ? { thread_ts: meta.threadTs } : {}) })
        .catch((err: unknown) => deps.logger.warn({ err }, 'could not post the acceptance in the thread'));
    }
  });
}
