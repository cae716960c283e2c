import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { AuditReport, CoveredScope } from '../../audit/report.js';
import type { Config } from '../../config.js';
import type { FindingState } from '../../digest/diff.js';
import { postureOf, type PostureStore } from '../../digest/posture.js';
import type { DigestStateStore } from '../../digest/state.js';
import { compareDrafts, type ProposalStore } from '../../remediation/proposals.js';
import { isInForce } from '../../risks/apply.js';
import type { RiskStore } from '../../risks/store.js';
import type { Approvers } from '../approvers.js';
import { homeView, type WaitingProposal } from '../blocks/home.js';
import { approvalLine } from '../blocks/proposal.js';

/**
 * App Home, published per person (views.publish) from what Redis holds: the posture kept by the last audit of the
 * whole configured scope or digest, the pending proposals this person may approve, the accepted risks that end soon.
 * Opening Home never calls AWS. After each audit and digest, the Home of everyone who opened it in the last week is
 * published again.
 */
export interface HomeDeps {
  slack: WebClient;
  posture: PostureStore;
  proposals: ProposalStore;
  risks: RiskStore;
  digestState: DigestStateStore;
  approvers: Approvers;
  config: Pick<Config, 'accounts' | 'regions'> & { app: Pick<Config['app'], 'digest'> };
  logger?: Logger;
  now: () => Date;
}

export interface HomeTab {
  /** Publishes `userId`'s Home, with `notice` (the answer to their last click) at the top. */
  publish(userId: string, notice?: string): Promise<void>;
  /** Someone opened Home: remembered (for refreshes), and published. */
  opened(userId: string): Promise<void>;
  /** After an audit: keeps its posture when it covered the whole configured scope; refreshes every recent Home. */
  afterAudit(report: AuditReport, scope: CoveredScope): Promise<void>;
  /** After a digest: keeps its posture and its chart; refreshes every recent Home. */
  afterDigest(report: AuditReport, open: ReadonlyMap<string, FindingState>, chartFileId: string | undefined, day: string): Promise<void>;
}

const DAY_MS = 24 * 3600 * 1000;
/** Homes refreshed after an audit or digest: who opened Home in the last week, most recent first. */
const REFRESHED = 50;
/** Pending proposals looked at for one Home (oldest first; far more than a person approves at once). */
const PENDING_READ = 200;

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));

export function createHomeTab(deps: HomeDeps): HomeTab {
  const log = deps.logger;

  async function waitingFor(userId: string): Promise<WaitingProposal[]> {
    const out: WaitingProposal[] = [];
    for (const { proposal, state } of await deps.proposals.pending(PENDING_READ)) {
      if (proposal.plan.kind === 'manual' || (state.approvals ?? []).some((a) => a.by === userId)) continue;
      if (!(await deps.approvers.couldApprove(userId, proposal))) continue;
      out.push({ proposal, state, approval: approvalLine(deps.approvers.ruleFor(proposal), state) });
    }
    return out.sort((a, b) => compareDrafts(a.proposal, b.proposal));
  }

  async function publish(userId: string, notice?: string): Promise<void> {
    const now = deps.now();
    const [posture, chart, waiting, risks] = await Promise.all([deps.posture.get(), deps.posture.chart(), waitingFor(userId), deps.risks.listActive()]);
    const expiring = risks.filter((r) => isInForce(r, now) && Date.parse(r.expiresAt) <= now.getTime() + 7 * DAY_MS);
    const view = homeView({ now, posture, chart, waiting, expiring, defaultChannel: deps.config.app.digest.channel, ...(notice ? { notice } : {}) });
    await deps.slack.views.publish({ user_id: userId, view });
  }

  async function refresh(): Promise<void> {
    const since = new Date(deps.now().getTime() - 7 * DAY_MS);
    for (const userId of await deps.posture.viewers(since, REFRESHED)) {
      await publish(userId).catch((err: unknown) => log?.warn({ err, userId }, 'could not refresh a Home tab'));
    }
  }

  return {
    publish,
    async opened(userId) {
      await deps.posture.sawViewer(userId, deps.now());
      await publish(userId);
    },
    async afterAudit(report, scope) {
      // Only an audit of everything configured speaks for the posture; any audit may change what waits for approval.
      const whole = scope.resource === undefined && scope.controls.length === 0 && sameSet(scope.accounts, deps.config.accounts) && sameSet(scope.regions, deps.config.regions);
      if (whole) {
        const open = (await deps.digestState.loadPrevious())?.open;
        await deps.posture.save(postureOf(report, 'audit', new Map([...(open ?? new Map<string, FindingState>())].map(([k, s]) => [k, s.firstSeen]))));
      }
      await refresh();
    },
    async afterDigest(report, open, chartFileId, day) {
      await deps.posture.save(postureOf(report, 'digest', new Map([...open].map(([k, s]) => [k, s.firstSeen]))));
      if (chartFileId) await deps.posture.saveChart({ fileId: chartFileId, day });
      await refresh();
    },
  };
}
