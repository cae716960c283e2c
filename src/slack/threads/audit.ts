import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { AuditReport, CoveredScope } from '../../audit/report.js';
import type { AuditJobData } from '../../queue/jobs.js';
import type { ProposalStore } from '../../remediation/proposals.js';
import type { AuditTrail } from '../../trail.js';
import {
  auditFailedMessage,
  auditSummaryMessage,
  auditThreadMessages,
  DEFAULT_THREAD_LIMITS,
  selectProposals,
  type SlackMessage,
  type ThreadLimits,
} from '../blocks/audit.js';
import type { Pacer } from '../pacer.js';
import { postProposal } from './proposals.js';

/**
 * An audit in Slack: runs it, turns the "⏳ Auditing…" message into the summary, then posts the details and one
 * proposal per fixable finding (within limits) in the thread. It never throws for Slack problems after the summary:
 * the report is the result; failures are logged. An audit that fails is reported in the status message and ends
 * with AuditFailed (the person runs the command again; a blind retry would post twice).
 */
export class AuditFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuditFailed';
  }
}

export interface AuditThreadDeps {
  slack: WebClient;
  proposals: ProposalStore;
  trail: AuditTrail;
  /** The engine, bound to its own deps (config, AWS client factory) by the composition root. */
  runAudit: (request: CoveredScope) => Promise<AuditReport>;
  /** Number of controls in the catalog (for "all N controls"). */
  totalControls: number;
  /** Paces thread replies (Slack allows about one message per second per channel). */
  pacer: Pacer;
  limits?: ThreadLimits;
  logger?: Logger;
  now?: () => Date;
}

export interface AuditJobResult {
  auditId: string;
  total: number;
  failed: number;
  proposals: number;
  threadMessages: number;
  slackErrors: number;
}

export async function postAuditThread(data: AuditJobData, deps: AuditThreadDeps): Promise<AuditJobResult> {
  const { slack, proposals, trail, pacer } = deps;
  const limits = deps.limits ?? DEFAULT_THREAD_LIMITS;
  const now = deps.now ?? (() => new Date());
  const channel = data.channelId;
  const started = Date.now();
  let slackErrors = 0;

  const update = async (message: SlackMessage): Promise<void> => {
    await slack.chat.update({ channel, ts: data.statusMessageTs, text: message.text, blocks: message.blocks });
  };
  const reply = async (message: SlackMessage): Promise<string | undefined> => {
    try {
      const res = await pacer.run(channel, () => slack.chat.postMessage({ channel, thread_ts: data.statusMessageTs, text: message.text, blocks: message.blocks }));
      return res.ts;
    } catch (err) {
      slackErrors += 1;
      deps.logger?.error({ err, auditId: data.auditId }, 'could not post a thread reply');
      return undefined;
    }
  };

  let report: AuditReport;
  try {
    report = await deps.runAudit(data.request);
  } catch (err) {
    deps.logger?.error({ err, auditId: data.auditId }, 'audit failed');
    try {
      await update(auditFailedMessage(data.auditId, data.request, data.requestedBy, deps.totalControls, err, Date.now() - started));
    } catch (slackErr) {
      deps.logger?.error({ err: slackErr, auditId: data.auditId }, 'could not report the failure in Slack');
    }
    throw new AuditFailed(`audit ${data.auditId} failed: ${err instanceof Error ? err.message : String(err)}`);
  }

  // The summary replaces the status message; if that fails (message deleted), post it in the channel instead.
  const summary = auditSummaryMessage(data.auditId, report, data.requestedBy, deps.totalControls);
  try {
    await update(summary);
  } catch (err) {
    slackErrors += 1;
    deps.logger?.warn({ err, auditId: data.auditId }, 'could not update the status message');
  }

  const selection = selectProposals(report, limits);
  let threadMessages = 0;
  for (const message of auditThreadMessages(data.auditId, report, selection, limits)) {
    if (await reply(message)) threadMessages += 1;
  }

  let posted = 0;
  for (const result of selection.selected) {
    const proposal = await postProposal({ proposals, trail }, result, {
      auditId: data.auditId,
      requestedBy: data.requestedBy,
      slack: { channelId: channel, threadTs: data.statusMessageTs, ...(data.teamId ? { teamId: data.teamId } : {}) },
      actor: 'worker',
      detail: `audit ${data.auditId} requested by ${data.requestedBy}`,
      now,
      post: async (message) => {
        const ts = await reply(message);
        return ts ? { ts } : undefined;
      },
    });
    if (proposal) posted += 1;
  }

  return {
    auditId: data.auditId,
    total: report.summary.total,
    failed: report.summary.byStatus.FAILED ?? 0,
    proposals: posted,
    threadMessages,
    slackErrors,
  };
}
