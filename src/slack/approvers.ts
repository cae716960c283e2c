import type { WebClient } from '@slack/web-api';
import type { ApprovalPolicy, ApprovalRule, Principals } from '../config.js';
import { resourceOf, type Proposal } from '../remediation/proposals.js';
import { mention } from './format.js';
import { code } from './mrkdwn.js';

/**
 * Who may approve or deny which fix, by the approval policy (APPROVAL_POLICY, or APPROVERS/TWO_PERSON_RULE): the first
 * rule whose conditions hold decides who may approve (listed users, members of listed user groups), how many distinct
 * approvers are needed, and whether the requester may be one of them. No rule: nobody may approve (deny by default).
 * A click reads group members afresh (a person taken out of a group cannot approve a minute later); views that only
 * show (App Home) use members cached for five minutes.
 */
export type Decision = { allowed: true } | { allowed: false; reason: string };

/** What a rule is matched against: the fix that would run. */
export interface ApprovalSubject {
  fixKind: Proposal['plan']['kind'];
  /** The controls the fix claims. */
  controlIds: string[];
  /** The most severe of them. */
  severity: Proposal['results'][number]['severity'];
  accountId: string;
  /** Null when the resource's tags were not read. */
  tags: Record<string, string> | null;
}

export type RuleOutcome = { rule: ApprovalRule } | { rule: undefined; reason: string };

export function subjectOf(proposal: Proposal): ApprovalSubject {
  const claimed = new Set(proposal.plan.verify.controlIds);
  const results = proposal.results.filter((r) => claimed.has(r.controlId));
  return {
    fixKind: proposal.plan.kind,
    controlIds: proposal.plan.verify.controlIds,
    // Results are sorted most severe first.
    severity: (results[0] ?? proposal.results[0]!).severity,
    accountId: resourceOf(proposal).accountId,
    tags: proposal.tags,
  };
}

function tagsMatch(wanted: Record<string, string[]>, tags: Record<string, string>): boolean {
  return Object.entries(wanted).every(([key, values]) => key in tags && (values.includes('*') || values.includes(tags[key]!)));
}

/**
 * The rule that decides `subject`: the first whose conditions all hold. A rule on tags that were not read stops the
 * search (nobody may approve), so an unknown tag never lets a laxer rule further down apply.
 */
export function ruleFor(policy: ApprovalPolicy, subject: ApprovalSubject): RuleOutcome {
  for (const rule of policy.rules) {
    const m = rule.match;
    if (m.fixKind && !(m.fixKind as string[]).includes(subject.fixKind)) continue;
    if (m.controls && !subject.controlIds.some((id) => m.controls!.includes(id))) continue;
    if (m.severity && !m.severity.includes(subject.severity)) continue;
    if (m.accounts && !m.accounts.includes(subject.accountId)) continue;
    if (m.tags) {
      if (!subject.tags) {
        return { rule: undefined, reason: `Rule "${rule.name}" depends on the resource's tags, which could not be read, so nobody may approve this fix. Run the audit again.` };
      }
      if (!tagsMatch(m.tags, subject.tags)) continue;
    }
    return { rule };
  }
  return {
    rule: undefined,
    reason:
      policy.rules.length === 0
        ? 'Nobody may approve or deny fixes yet: no approvers are configured. Set `APPROVERS` to Slack user ids (U…) and/or user group ids (S…), comma-separated, or `APPROVAL_POLICY` to a policy file, and restart the app.'
        : `No rule of ${policy.source} covers this fix (${subject.fixKind}, ${subject.controlIds.join(', ')}, ${subject.severity}, account ${subject.accountId}), so nobody may approve it: fixes no rule covers are denied by default. Ask an admin to add a rule.`,
  };
}

/** "<@U1>, user group `S1`". */
export function describePrincipals(p: Principals): string {
  return [...p.userIds.map((u) => mention(u)), ...p.userGroupIds.map((g) => `user group ${code(g)}`)].join(', ') || 'nobody';
}

export interface Approvers {
  readonly policy: ApprovalPolicy;
  /** The rule for a proposal (deciding nothing about a person). */
  ruleFor(proposal: Proposal): RuleOutcome;
  /** Whether `userId` may approve or deny `proposal` now; group members are read afresh. */
  check(userId: string, action: 'approve' | 'deny', proposal: Proposal): Promise<Decision>;
  /** Of earlier approvers, those the rule still lets approve (members read afresh). */
  stillAllowed(userIds: readonly string[], proposal: Proposal): Promise<string[]>;
  /** Whether `userId` could approve `proposal` (for views: members cached, no refusal text). */
  couldApprove(userId: string, proposal: Proposal): Promise<boolean>;
  /** Whether `userId` may accept or revoke risks. */
  mayDecideRisks(userId: string): Promise<Decision>;
}

export function createApprovers(policy: ApprovalPolicy, slack: WebClient, options: { ttlMs?: number; now?: () => number } = {}): Approvers {
  const ttlMs = options.ttlMs ?? 5 * 60_000;
  const now = options.now ?? (() => Date.now());
  const cache = new Map<string, { at: number; users: Promise<Set<string>> }>();

  function members(groupId: string, fresh: boolean): Promise<Set<string>> {
    const hit = cache.get(groupId);
    if (!fresh && hit && now() - hit.at < ttlMs) return hit.users;
    const users = slack.usergroups.users.list({ usergroup: groupId }).then((res) => new Set(res.users ?? []));
    cache.set(groupId, { at: now(), users });
    // A failed lookup is not cached: the next click asks again.
    users.catch(() => cache.delete(groupId));
    return users;
  }

  /** Whether `userId` is among `who`, and which groups could not be read. */
  async function listed(userId: string, who: Principals, fresh: boolean): Promise<{ member: boolean; failures: string[] }> {
    if (who.userIds.includes(userId)) return { member: true, failures: [] };
    const failures: string[] = [];
    for (const group of who.userGroupIds) {
      try {
        if ((await members(group, fresh)).has(userId)) return { member: true, failures };
      } catch (err) {
        failures.push(`${group} (${(err as { data?: { error?: string } }).data?.error ?? (err as Error).message})`);
      }
    }
    return { member: false, failures };
  }

  const lookupNote = (failures: string[]) => (failures.length > 0 ? ` (I could not read the members of ${failures.join(', ')})` : '');
  const ruleOf = (proposal: Proposal): RuleOutcome => ruleFor(policy, subjectOf(proposal));

  return {
    policy,
    ruleFor: ruleOf,
    async check(userId, action, proposal) {
      const outcome = ruleOf(proposal);
      if (!outcome.rule) {
        // Nothing may approve it; those who may decide risks may still deny it, so it does not wait forever.
        if (action === 'deny' && (await listed(userId, policy.riskApprovers, true)).member) return { allowed: true };
        return { allowed: false, reason: outcome.reason };
      }
      const { rule } = outcome;
      const { member, failures } = await listed(userId, rule.approvers, true);
      if (!member) {
        return { allowed: false, reason: `Only approvers under rule "${rule.name}" may ${action} this fix: ${describePrincipals(rule.approvers)}${lookupNote(failures)}. Ask one of them.` };
      }
      if (action === 'approve' && !rule.requesterMayApprove && userId === proposal.requestedBy) {
        return {
          allowed: false,
          reason:
            policy.source === 'APPROVERS'
              ? 'The two-person rule is on: the person who asked for the audit cannot approve its fixes. Ask another approver.'
              : `Rule "${rule.name}" does not let the person who asked for the audit approve its fixes. Ask another approver.`,
        };
      }
      return { allowed: true };
    },
    async stillAllowed(userIds, proposal) {
      const { rule } = ruleOf(proposal);
      if (!rule) return [];
      const out: string[] = [];
      for (const u of userIds) {
        const ok = (await listed(u, rule.approvers, true)).member && (rule.requesterMayApprove || u !== proposal.requestedBy);
        if (ok) out.push(u);
      }
      return out;
    },
    async couldApprove(userId, proposal) {
      const { rule } = ruleOf(proposal);
      if (!rule || (!rule.requesterMayApprove && userId === proposal.requestedBy)) return false;
      return (await listed(userId, rule.approvers, false)).member;
    },
    async mayDecideRisks(userId) {
      const who = policy.riskApprovers;
      if (who.userIds.length === 0 && who.userGroupIds.length === 0) {
        return { allowed: false, reason: 'Nobody may accept or revoke risks yet: no approvers are configured (APPROVERS or APPROVAL_POLICY).' };
      }
      const { member, failures } = await listed(userId, who, true);
      return member ? { allowed: true } : { allowed: false, reason: `Only approvers may accept or revoke risks. Approvers: ${describePrincipals(who)}${lookupNote(failures)}.` };
    },
  };
}

