import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { AuditReport, CoveredScope } from '../../audit/report.js';
import type { ApprovalPolicy } from '../../config.js';
import type { ShowNextJobData, AuditJobData } from '../../queue/jobs.js';
import { draftsFor, resourceOf, type ProposalBacklog, type ProposalDraft, type ProposalResource, type ProposalStore } from '../../remediation/proposals.js';
import type { AuditTrail } from '../../trail.js';
import {
  auditFailedMessage,
  auditSummaryMessage,
  auditThreadMessages,
  DEFAULT_THREAD_LIMITS,
  failingResources,
  showNextMessage,
  shownNextMessage,
  type ResourceMark,
  type SlackMessage,
  type ThreadLimits,
} from '../blocks/audit.js';
import type { Pacer } from '../pacer.js';
import { prepareProposal, showProposal, type PreparedProposal } from './proposals.js';

/**
 * An audit in Slack: runs it, turns the "⏳ Auditing…" message into the summary, then posts in the thread ONE compact
 * list of the failing resources (riskiest first), the read errors and notes, one proposal per resource for the
 * riskiest few (a proposal still open for the same resource and configuration is reused, not posted again), and a
 * "Show next" button that posts the next page of proposals kept for it. It never throws for Slack problems after the
 * summary: the report is the result; failures are logged. An audit that fails is reported in the status message and
 * ends with AuditFailed (the person runs the command again; a blind retry would post twice).
 */
export class AuditFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuditFailed';
  }
}

/** What posting proposals needs, for the audit and for its "Show next" pages. */
export interface ProposalThreadDeps {
  slack: WebClient;
  proposals: ProposalStore;
  backlog: ProposalBacklog;
  trail: AuditTrail;
  policy: ApprovalPolicy;
  /** Paces thread replies (Slack allows about one message per second per channel). */
  pacer: Pacer;
  /**
   * Reads a resource's tags, for approval rules that match on them; absent when no rule does. A worker-side port:
   * this module never calls AWS itself.
   */
  resourceTags?: (resource: ProposalResource) => Promise<Record<string, string>>;
  limits?: ThreadLimits;
  logger?: Logger;
  now?: () => Date;
}

export interface AuditThreadDeps extends ProposalThreadDeps {
  /** The engine, bound to its own deps (config, AWS client factory) by the composition root. */
  runAudit: (request: CoveredScope) => Promise<AuditReport>;
  /** Number of controls in the catalog (for "all N controls"). */
  totalControls: number;
  /** Told about every audit once its thread is posted (App Home keeps its posture and refreshes); best effort. */
  onReport?: (report: AuditReport, data: AuditJobData) => Promise<void>;
}

export interface AuditJobResult {
  auditId: string;
  total: number;
  failed: number;
  /** Proposals posted in the thread (new ones). */
  proposals: number;
  /** Proposals already open for their resource, reused instead of posted. */
  reused: number;
  /** Proposals kept for "Show next". */
  later: number;
  threadMessages: number;
  slackErrors: number;
}

/** Replies in one thread, paced, counting what was posted and what Slack refused. */
function threadPoster(deps: ProposalThreadDeps, channel: string, threadTs: string, what: string) {
  const counts = { posted: 0, errors: 0 };
  return {
    counts,
    async reply(message: SlackMessage): Promise<string | undefined> {
      try {
        const res = await deps.pacer.run(channel, () => deps.slack.chat.postMessage({ channel, thread_ts: threadTs, text: message.text, blocks: message.blocks }));
        counts.posted += 1;
        return res.ts;
      } catch (err) {
        counts.errors += 1;
        deps.logger?.error({ err, what }, 'could not post a thread reply');
        return undefined;
      }
    },
  };
}

/** A link to an open proposal's message, when Slack gives one (best effort: the proposal id is shown otherwise). */
async function linkTo(deps: ProposalThreadDeps, prepared: PreparedProposal): Promise<string | undefined> {
  const { channelId, messageTs } = prepared.proposal.slack;
  if (!messageTs) return undefined;
  try {
    return (await deps.slack.chat.getPermalink({ channel: channelId, message_ts: messageTs })).permalink;
  } catch (err) {
    deps.logger?.debug({ err, proposalId: prepared.proposal.id }, 'no permalink for an open proposal');
    return undefined;
  }
}

/** Stores (or finds open) the proposals of `drafts`, reading tags first when approval rules need them. */
async function prepareAll(
  deps: ProposalThreadDeps,
  drafts: readonly ProposalDraft[],
  at: { auditId: string; requestedBy: string; channelId: string; threadTs: string; teamId?: string | undefined },
): Promise<PreparedProposal[]> {
  const now = deps.now ?? (() => new Date());
  const out: PreparedProposal[] = [];
  for (const draft of drafts) {
    let tags: Record<string, string> | null = null;
    if (deps.resourceTags) {
      tags = await deps.resourceTags(resourceOf(draft)).catch((err: unknown) => {
        deps.logger?.warn({ err, resource: resourceOf(draft).resourceArn }, 'could not read the tags approval rules need');
        return null;
      });
    }
    out.push(await prepareProposal(deps, draft, { auditId: at.auditId, requestedBy: at.requestedBy, slack: { channelId: at.channelId, threadTs: at.threadTs, teamId: at.teamId }, tags, now }));
  }
  return out;
}

/** Posts the new ones among prepared proposals, in order; resolves to how many were posted. */
async function showAll(deps: ProposalThreadDeps, prepared: readonly PreparedProposal[], reply: (m: SlackMessage) => Promise<string | undefined>, detail: string): Promise<number> {
  const now = deps.now ?? (() => new Date());
  let posted = 0;
  for (const p of prepared) {
    if (!p.created) continue;
    const shown = await showProposal(deps, p.proposal, {
      actor: 'worker',
      detail,
      now,
      post: async (message) => {
        const ts = await reply(message);
        return ts ? { ts } : undefined;
      },
    }).catch((err: unknown) => {
      deps.logger?.error({ err, proposalId: p.proposal.id }, 'could not post a proposal');
      return false;
    });
    if (shown) posted += 1;
  }
  return posted;
}

export async function postAuditThread(data: AuditJobData, deps: AuditThreadDeps): Promise<AuditJobResult> {
  const { slack } = deps;
  const limits = deps.limits ?? DEFAULT_THREAD_LIMITS;
  const channel = data.channelId;
  const started = Date.now();
  const thread = threadPoster(deps, channel, data.statusMessageTs, `audit ${data.auditId}`);
  const update = async (message: SlackMessage): Promise<void> => {
    await slack.chat.update({ channel, ts: data.statusMessageTs, text: message.text, blocks: message.blocks });
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

  // The summary replaces the status message; if that fails (message deleted), the thread still gets its replies.
  try {
    await update(auditSummaryMessage(data.auditId, report, data.requestedBy, deps.totalControls));
  } catch (err) {
    thread.counts.errors += 1;
    deps.logger?.warn({ err, auditId: data.auditId }, 'could not update the status message');
  }

  const drafts = draftsFor(report.results);
  const where = { auditId: data.auditId, requestedBy: data.requestedBy, channelId: channel, threadTs: data.statusMessageTs, teamId: data.teamId };
  const now = drafts.slice(0, limits.proposals);
  const later = drafts.slice(limits.proposals, limits.proposals + limits.backlog);
  const prepared = await prepareAll(deps, now, where);

  // The list says what became of each resource's proposal: posted below, or already open (with a link).
  const resources = failingResources(report, drafts);
  const marks = new Map<number, ResourceMark>();
  for (const [i, p] of prepared.entries()) {
    marks.set(i, p.created ? { kind: 'posted' } : { kind: 'open', status: p.state.status, link: await linkTo(deps, p), proposalId: p.proposal.id });
  }
  for (const message of auditThreadMessages(data.auditId, report, resources, marks, limits)) await thread.reply(message);

  const posted = await showAll(deps, prepared, (m) => thread.reply(m), `audit ${data.auditId} requested by ${data.requestedBy}`);
  if (later.length > 0) {
    await deps.backlog.save(where, later);
    await thread.reply(showNextMessage(data.auditId, 1, later.length, limits.page));
  }
  if (deps.onReport) await deps.onReport(report, data).catch((err: unknown) => deps.logger?.warn({ err, auditId: data.auditId }, 'could not update App Home after the audit'));

  return {
    auditId: data.auditId,
    total: report.summary.total,
    failed: report.summary.byStatus.FAILED ?? 0,
    proposals: posted,
    reused: prepared.filter((p) => !p.created).length,
    later: later.length,
    threadMessages: thread.counts.posted,
    slackErrors: thread.counts.errors,
  };
}

export interface ShowNextResult {
  auditId: string;
  page: number;
  proposals: number;
  reused: number;
  remaining: number;
}

/**
 * "Show next": posts page `page` of the audit's kept proposals in its thread, turns the clicked message into what was
 * posted (its button gone), and adds a new button while more remain.
 */
export async function postNextProposals(data: ShowNextJobData, deps: ProposalThreadDeps): Promise<ShowNextResult> {
  const limits = deps.limits ?? DEFAULT_THREAD_LIMITS;
  const kept = await deps.backlog.page(data.auditId, data.page, limits.page);
  const result: ShowNextResult = { auditId: data.auditId, page: data.page, proposals: 0, reused: 0, remaining: kept?.remaining ?? 0 };
  const done = async (message: SlackMessage) => {
    await deps.slack.chat
      .update({ channel: data.channelId, ts: data.messageTs, text: message.text, blocks: message.blocks })
      .catch((err: unknown) => deps.logger?.warn({ err, auditId: data.auditId }, 'could not update the "Show next" message'));
  };
  if (!kept) {
    await done(shownNextMessage(data.auditId, data.page, { posted: 0, open: [], gone: true }));
    return result;
  }
  const { meta } = kept;
  const thread = threadPoster(deps, meta.channelId, meta.threadTs, `audit ${data.auditId} page ${data.page}`);
  const prepared = await prepareAll(deps, kept.drafts, meta);
  const open = [];
  for (const p of prepared) {
    if (!p.created) open.push({ name: resourceOf(p.proposal).resourceName, link: await linkTo(deps, p), proposalId: p.proposal.id });
  }
  await done(shownNextMessage(data.auditId, data.page, { posted: prepared.length - open.length, open, gone: false }));
  result.proposals = await showAll(deps, prepared, (m) => thread.reply(m), `audit ${data.auditId} (next ${limits.page}) shown to ${data.clickedBy}`);
  result.reused = open.length;
  if (kept.remaining > 0) await thread.reply(showNextMessage(data.auditId, data.page + 1, kept.remaining, limits.page));
  return result;
}
