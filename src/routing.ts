import type { RoutingTable } from './config.js';

/**
 * Which channel hears about a resource: the rule of ROUTING_FILE that matches it most specifically (a rule matches
 * when every dimension it names matches: one of its accounts, one of its OUs on the account's path, one of its
 * regions, every tag it names with one of the values it gives), else the default. Specificity is the number of
 * dimensions a rule names, each tag key counting once; of equally specific rules, the first in the file wins.
 */

/** What routing knows of a resource. */
export interface RoutingFacts {
  accountId: string;
  region: string;
  /** The organizational units (and root) above the account, nearest first; absent when not known. */
  ous?: readonly string[];
  /** The resource's tags; absent when not read. */
  tags?: Readonly<Record<string, string>>;
}

export interface Route {
  channel: string;
  mention?: string | undefined;
  /** The rule's name, or `default`. */
  rule: string;
}

type Rule = RoutingTable['routes'][number];

function specificity(rule: Rule): number {
  const m = rule.match;
  return (m.accounts ? 1 : 0) + (m.ous ? 1 : 0) + (m.regions ? 1 : 0) + Object.keys(m.tags ?? {}).length;
}

export function ruleMatches(rule: Rule, facts: RoutingFacts): boolean {
  const m = rule.match;
  if (m.accounts && !m.accounts.includes(facts.accountId)) return false;
  if (m.regions && !m.regions.includes(facts.region)) return false;
  if (m.ous && !m.ous.some((ou) => facts.ous?.includes(ou))) return false;
  for (const [key, wanted] of Object.entries(m.tags ?? {})) {
    const value = facts.tags?.[key];
    if (value === undefined || !(Array.isArray(wanted) ? wanted : [wanted]).includes(value)) return false;
  }
  return true;
}

export function routeFor(table: RoutingTable, facts: RoutingFacts): Route {
  let best: Rule | undefined;
  for (const rule of table.routes) {
    if (ruleMatches(rule, facts) && (!best || specificity(rule) > specificity(best))) best = rule;
  }
  const chosen = best ?? table.default;
  return { channel: chosen.channel, mention: chosen.mention, rule: best?.name ?? 'default' };
}

/** Whether any rule looks at tags (then routing needs the resource's tags) or OUs (then the account's path). */
export function routingNeeds(table: RoutingTable): { tags: boolean; ous: boolean } {
  return { tags: table.routes.some((r) => r.match.tags !== undefined), ous: table.routes.some((r) => r.match.ous !== undefined) };
}
