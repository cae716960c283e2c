import type { WebClient } from '@slack/web-api';
import type { AppConfig } from '../config.js';
import { mention } from './format.js';
import { code } from './mrkdwn.js';

/**
 * Who may approve or deny: listed users, or members of listed user groups (usergroups.users.list, cached ~5 min).
 * No approvers configured means nobody may decide. The two-person rule stops the audit's requester from approving.
 */
export type Decision = { allowed: true } | { allowed: false; reason: string };

export interface ApproverCheck {
  check(userId: string, action: 'approve' | 'deny', requestedBy: string): Promise<Decision>;
}

export function createApproverCheck(
  config: Pick<AppConfig, 'approvers' | 'twoPersonRule'>,
  slack: WebClient,
  options: { ttlMs?: number; now?: () => number } = {},
): ApproverCheck {
  const ttlMs = options.ttlMs ?? 5 * 60_000;
  const now = options.now ?? (() => Date.now());
  const cache = new Map<string, { at: number; users: Promise<Set<string>> }>();

  function members(groupId: string): Promise<Set<string>> {
    const hit = cache.get(groupId);
    if (hit && now() - hit.at < ttlMs) return hit.users;
    const users = slack.usergroups.users
      .list({ usergroup: groupId })
      .then((res) => new Set(res.users ?? []));
    cache.set(groupId, { at: now(), users });
    // A failed lookup is not cached: the next click asks again.
    users.catch(() => cache.delete(groupId));
    return users;
  }

  return {
    async check(userId, action, requestedBy) {
      const { userIds, userGroupIds } = config.approvers;
      if (userIds.length === 0 && userGroupIds.length === 0) {
        return {
          allowed: false,
          reason: 'Nobody may approve or deny fixes yet: no approvers are configured. Set `APPROVERS` to Slack user ids (U…) and/or user group ids (S…), comma-separated, and restart the app.',
        };
      }
      let member = userIds.includes(userId);
      const failures: string[] = [];
      for (const group of userGroupIds) {
        if (member) break;
        try {
          member = (await members(group)).has(userId);
        } catch (err) {
          failures.push(`${group} (${(err as { data?: { error?: string } }).data?.error ?? (err as Error).message})`);
        }
      }
      if (!member) {
        const who = [...userIds.map((u) => mention(u)), ...userGroupIds.map((g) => `user group ${code(g)}`)].join(', ');
        const lookup = failures.length > 0 ? ` (I could not read the members of ${failures.join(', ')})` : '';
        return { allowed: false, reason: `Only approvers may ${action} fixes: ${who}${lookup}. Ask one of them, or ask an admin to add you to \`APPROVERS\`.` };
      }
      if (action === 'approve' && config.twoPersonRule && userId === requestedBy) {
        return { allowed: false, reason: 'The two-person rule is on: the person who asked for the audit cannot approve its fixes. Ask another approver.' };
      }
      return { allowed: true };
    },
  };
}
