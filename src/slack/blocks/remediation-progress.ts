import { LIMITS } from '../ids.js';
import { chunkLines, formatDuration, mention, safe } from '../format.js';
import { code, escapeMrkdwn, truncate } from '../mrkdwn.js';
import type { SessionIdentity } from '../../aws/sessions.js';
import type { ProgressPhase, ProgressStep, ProgressView, RemediationOutcome, StepState } from '../../remediation/progress.js';
import type { KnownBlock } from './types.js';

/**
 * The remediation worker's messages in the proposal's thread (pure builders):
 * - ONE progress message, posted when the job starts and updated in place as each step starts and ends;
 * - one result message at the end: verified fix, no change needed, or what failed, what was rolled back and what a
 *   person must do.
 * Everything from AWS (names, error messages) and from plans is truncated, then escaped.
 */

export interface RemediationProgressView extends Omit<ProgressView, 'attempt'> {
  proposalId: string;
  controlId: string;
  resourceName: string;
  accountId: string;
  region: string;
  approvedBy: string;
  dryRun: boolean;
  /** Delivery number of the job (shown when > 1: the job resumed). */
  attempt?: number;
  /** Block ids must change with every update; any token that changes per update. */
  version: string;
}

export const STEP_ICONS: Record<StepState, string> = {
  pending: '▫️',
  running: '⏳',
  done: '✅',
  skipped: '⏭',
  failed: '❌',
  'dry-run': '🧪',
  retrying: '🔁',
  'not-run': '▫️',
};

const PHASE_LINE: Record<ProgressPhase, string> = {
  checking: '⏳ Checking the resource before acting (state, drift, already fixed?)',
  running: '⏳ Running the approved fix',
  retrying: '🔁 Waiting to retry after a temporary AWS error',
  paused: '⏸ Paused while the app restarts; the fix resumes where it stopped',
  verifying: '⏳ Re-reading the resource to verify the fix',
  succeeded: '✅ Done — fix verified',
  'no-change': '✅ Nothing to do — already compliant',
  failed: '❌ Stopped',
  'dry-run-done': '🧪 Dry run finished — nothing was changed',
};

/** Each step line stays readable: titles and details are cut before escaping. */
const MAX_TITLE = 200;
const MAX_DETAIL = 400;
const MAX_STEP_SECTIONS = 8;

function stepLine(step: ProgressStep, index: number): string {
  const head = `${STEP_ICONS[step.state]} ${index + 1}. ${safe(step.title, MAX_TITLE)}`;
  return step.detail ? `${head}\n      ${safe(step.detail, MAX_DETAIL)}` : head;
}

function section(blockId: string, text: string): KnownBlock {
  return { type: 'section', block_id: blockId, text: { type: 'mrkdwn', text: truncate(text, LIMITS.sectionText) } };
}

/** Where to find the fix in CloudTrail: the remediation role's session and its source identity (the approver). */
export function identityLine(identity: SessionIdentity): string {
  if (!identity.roleArn) return 'CloudTrail: the fix runs with the audit role\'s credentials (REMEDIATION_ROLE is not set), so it does not name the approver.';
  const parts = [`CloudTrail: role ${code(truncate(identity.roleArn, 200))}`];
  if (identity.sessionName) parts.push(`session ${code(identity.sessionName)}`);
  if (identity.sourceIdentity) parts.push(`source identity ${code(identity.sourceIdentity)}`);
  return parts.join(' · ');
}

export function remediationProgressText(view: RemediationProgressView): string {
  const prefix = view.dryRun ? '[DRY RUN] ' : '';
  // `text` is parsed as mrkdwn too: AWS names are escaped here as well.
  return safe(`${prefix}${view.controlId} fix for ${view.resourceName}: ${PHASE_LINE[view.phase]}`, LIMITS.messageText - 200);
}

export function remediationProgressBlocks(view: RemediationProgressView): KnownBlock[] {
  const id = (part: string) => truncate(`remediation-${view.proposalId}-${part}-${view.version}`, 255);
  const blocks: KnownBlock[] = [];
  const heading = [
    `${view.dryRun ? '🧪 *DRY RUN* (REMEDIATION_MODE=dry-run: reads only, no change) · ' : ''}*${escapeMrkdwn(view.controlId)}* fix for ${code(truncate(view.resourceName, 150))}`,
    `Account ${code(view.accountId)} · ${code(view.region)} · approved by ${mention(view.approvedBy)}${view.attempt && view.attempt > 1 ? ` · delivery ${view.attempt} (resumed)` : ''}`,
    PHASE_LINE[view.phase],
  ];
  if (view.note) heading.push(safe(view.note, 600));
  blocks.push(section(id('head'), heading.join('\n')));
  if (view.identity) blocks.push({ type: 'context', block_id: id('identity'), elements: [{ type: 'mrkdwn', text: identityLine(view.identity) }] });

  if (view.steps.length > 0) {
    const chunks = chunkLines(view.steps.map(stepLine), LIMITS.sectionText - 100);
    chunks.slice(0, MAX_STEP_SECTIONS).forEach((c, i) => blocks.push(section(id(`steps${i}`), c)));
    if (chunks.length > MAX_STEP_SECTIONS) blocks.push(section(id('steps-more'), `… ${view.steps.length} steps in all`));
  }
  blocks.push({
    type: 'context',
    block_id: id('legend'),
    elements: [{ type: 'mrkdwn', text: '✅ done · ⏳ running · ⏭ skipped (already in place) · ❌ failed · 🧪 dry run (would call) · ▫️ not started' }],
  });
  return blocks;
}

export function remediationProgressMessage(view: RemediationProgressView): { text: string; blocks: KnownBlock[] } {
  return { text: remediationProgressText(view), blocks: remediationProgressBlocks(view) };
}

/* ------------------------------------------------------------------------------------------------------------------ */

export interface RemediationResultView {
  proposalId: string;
  controlId: string;
  resourceName: string;
  durationMs: number;
  outcome: RemediationOutcome;
}

const MAX_LIST = 15;

function bullets(items: string[], max: number): string[] {
  const shown = items.slice(0, MAX_LIST).map((i) => `• ${safe(i, max)}`);
  if (items.length > MAX_LIST) shown.push(`• … and ${items.length - MAX_LIST} more`);
  return shown;
}

export function remediationResultMessage(view: RemediationResultView): { text: string; blocks: KnownBlock[] } {
  const o = view.outcome;
  const who = `*${escapeMrkdwn(view.controlId)}* on ${code(truncate(view.resourceName, 150))}`;
  const took = formatDuration(view.durationMs);
  let lines: string[];
  let text: string;
  switch (o.kind) {
    case 'verified':
      text = `${view.controlId} fixed on ${view.resourceName}: PASSED on a fresh read`;
      lines = [`✅ ${who} now PASSES on a fresh read (took ${took}).`, safe(o.reason, 500)];
      if (o.periodic) lines.push('_Security Hub may keep the finding until its next periodic evaluation._');
      break;
    case 'already-compliant':
      text = `${view.controlId} already passes on ${view.resourceName}: no change made`;
      lines = [`✅ ${who} already PASSES on a fresh read, so nothing was changed.`, safe(o.reason, 500)];
      break;
    case 'dry-run':
      text = `Dry run of the ${view.controlId} fix on ${view.resourceName}: nothing was changed`;
      lines = [
        `🧪 Dry run of the fix for ${who}: every check and read ran, *no change was made*.`,
        o.blocker ? `It would stop here: ${safe(o.blocker, 500)}` : 'In a real run it would make these calls:',
        ...bullets(o.wouldCalls.length > 0 ? o.wouldCalls : ['no mutating call (everything is already in place)'], 300),
      ];
      break;
    case 'failed':
      text = `${view.controlId} fix on ${view.resourceName} failed: ${o.error}`;
      lines = [
        `❌ The fix for ${who} stopped${o.noChange ? ' before changing anything' : ''}: ${safe(o.what, 300)}`,
        `*Error:* ${safe(o.error, 800)}`,
      ];
      if (o.rolledBack.length > 0) lines.push('*Rolled back:*', ...bullets(o.rolledBack, 300));
      else if (!o.noChange) lines.push('*Rolled back:* nothing needed undoing');
      if (o.rollbackError) lines.push(`*Rollback incomplete:* ${safe(o.rollbackError, 500)}`);
      lines.push(`*What a person must do:* ${safe(o.humanAction, 800)}`);
      break;
  }
  const blocks = chunkLines(lines, LIMITS.sectionText - 100)
    .slice(0, 10)
    .map((c, i) => section(truncate(`remediation-${view.proposalId}-result${i}`, 255), c));
  return { text: safe(text, LIMITS.messageText - 200), blocks };
}
