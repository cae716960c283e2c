import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { ApprovalPolicy } from '../../config.js';
import type { ProgressView, RemediationOutcome, RemediationReporter } from '../../remediation/progress.js';
import { resourceOf, type Proposal, type ProposalState } from '../../remediation/proposals.js';
import type { RemediationDeps } from '../../remediation/run.js';
import { proposalMessage } from '../blocks/proposal.js';
import { remediationProgressMessage, remediationResultMessage } from '../blocks/remediation-progress.js';

/**
 * A remediation's progress in the proposal's thread: ONE progress message, posted the first time and then updated in
 * place (across deliveries of the job: its ts is kept in the job), one result message, and the proposal message
 * updated to its final state. Calls are serialized so updates never arrive out of order; Slack failures are logged
 * and never fail the fix.
 */
export function slackRemediationReporters(slack: WebClient, policy: ApprovalPolicy, logger?: Logger): RemediationDeps['reporterFor'] {
  return (proposal, run) => {
    const r = resourceOf(proposal);
    const controlId = proposal.plan.verify.controlIds.join(', ');
    const { channelId, threadTs } = proposal.slack;
    const log = logger?.child({ proposalId: proposal.id });
    let chain: Promise<void> = Promise.resolve();
    let seq = 0;
    let progressTs = run.progressTs;
    const serial = (what: string, fn: () => Promise<void>): Promise<void> => {
      chain = chain.then(fn).catch((err: unknown) => log?.warn({ err }, `could not ${what}`));
      return chain;
    };
    const reporter: RemediationReporter = {
      progress: (view: ProgressView) =>
        serial('post or update the remediation progress message', async () => {
          const m = remediationProgressMessage({
            ...view,
            proposalId: proposal.id,
            controlId,
            resourceName: r.resourceName,
            accountId: r.accountId,
            region: r.region,
            approvedBy: run.request.approvedBy,
            dryRun: run.request.dryRun,
            version: `${Date.now().toString(36)}${(seq++).toString(36)}`,
          });
          if (progressTs) {
            await slack.chat.update({ channel: channelId, ts: progressTs, text: m.text, blocks: m.blocks });
            return;
          }
          const res = await slack.chat.postMessage({ channel: channelId, thread_ts: threadTs, text: m.text, blocks: m.blocks });
          if (res.ts) {
            progressTs = res.ts;
            await run.rememberProgressTs(res.ts);
          }
        }),
      result: (outcome: RemediationOutcome, durationMs: number) =>
        serial('post the remediation result', async () => {
          const m = remediationResultMessage({ proposalId: proposal.id, controlId, resourceName: r.resourceName, durationMs, outcome });
          await slack.chat.postMessage({ channel: channelId, thread_ts: threadTs, text: m.text, blocks: m.blocks });
        }),
      proposalChanged: (state: ProposalState) =>
        serial('update the proposal message', async () => {
          await updateProposalMessage(slack, proposal, state, policy);
        }),
    };
    return reporter;
  };
}

/** Renders a proposal's current state in its message (no-op when it was never posted). */
export async function updateProposalMessage(slack: WebClient, proposal: Proposal, state: ProposalState, policy: ApprovalPolicy): Promise<void> {
  if (!proposal.slack.messageTs) return;
  const m = proposalMessage(proposal, state, policy);
  await slack.chat.update({ channel: proposal.slack.channelId, ts: proposal.slack.messageTs, text: m.text, blocks: m.blocks });
}
