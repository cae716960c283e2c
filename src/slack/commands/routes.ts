import type { RoutingTable } from '../../config.js';
import { routeFor, routingNeeds, type RoutingFacts } from '../../routing.js';
import { RESOURCE_ARN_PATTERN } from '../../validation.js';
import type { CommandContext, ListenerDeps } from '../deps.js';
import { channelLink, groupMention, plural } from '../format.js';
import { ephemeral } from '../listener-kit.js';
import { code, escapeMrkdwn, truncate } from '../mrkdwn.js';

/**
 * `/sagemaker-audit routes [resource=NAME|ARN]`: the routing table (who hears about what), and which rule a resource
 * matches. Answered from the configuration and what the bot has recorded (open proposals, the last digest's
 * findings): a listener reads no AWS, so a resource the bot has not seen is asked for by ARN, and rules on tags are
 * checked only where the bot holds the resource's tags.
 */

type Rule = RoutingTable['routes'][number];

const list = (items: readonly string[]) => items.map((i) => code(i)).join(', ');

function describeMatch(m: Rule['match']): string {
  const parts: string[] = [];
  if (m.accounts) parts.push(`account ${list(m.accounts)}`);
  if (m.ous) parts.push(`OU ${list(m.ous)}`);
  if (m.regions) parts.push(`region ${list(m.regions)}`);
  for (const [key, wanted] of Object.entries(m.tags ?? {})) {
    parts.push(`tag ${(Array.isArray(wanted) ? wanted : [wanted]).map((v) => code(`${key}=${v}`)).join(' or ')}`);
  }
  return parts.join(' · ');
}

function destination(r: { channel: string; mention?: string | undefined }): string {
  return `${channelLink(r.channel)}${r.mention ? ` (mentions ${groupMention(r.mention)})` : ''}`;
}

export function routingTableText(table: RoutingTable): string {
  const rows = table.routes.map((r, i) => `${i + 1}. ${code(truncate(r.name, 80))}: ${describeMatch(r.match)} → ${destination(r)}`);
  return [
    `*Routing* (${plural(table.routes.length, 'rule')}; the most specific matching rule wins, the first in the file on a tie)`,
    ...rows,
    `Anything else → ${destination(table.default)} (\`default\`), which also gets the whole daily digest.`,
  ].join('\n');
}

/** A resource as the bot has recorded it. */
interface KnownResource {
  name: string;
  arn: string;
  facts: RoutingFacts;
}

function arnFacts(arn: string): RoutingFacts {
  const [, , , region = '', accountId = ''] = arn.split(':');
  return { accountId, region };
}

/** Every recorded resource the argument names: by ARN, or by name among open proposals and the last digest. */
async function knownResources(resource: string, deps: ListenerDeps): Promise<KnownResource[]> {
  const found = new Map<string, KnownResource>();
  const add = (name: string, arn: string, facts: RoutingFacts) => {
    const prior = found.get(arn);
    if (!prior || (facts.tags && !prior.facts.tags)) found.set(arn, { name, arn, facts });
  };
  if (RESOURCE_ARN_PATTERN.test(resource)) {
    const facts = arnFacts(resource);
    const latest = await deps.proposals.latestFor({ ...facts, resourceArn: resource });
    const name = resource.slice(resource.indexOf('/') + 1);
    add(name, resource, latest?.proposal.tags ? { ...facts, tags: latest.proposal.tags } : facts);
    return [...found.values()];
  }
  const wanted = resource.toLowerCase();
  for (const { proposal } of await deps.proposals.pending()) {
    const r = proposal.results[0];
    if (r && r.resourceName.toLowerCase() === wanted) add(r.resourceName, r.resourceArn, { accountId: r.accountId, region: r.region, ...(proposal.tags ? { tags: proposal.tags } : {}) });
  }
  for (const f of (await deps.digestState.loadPrevious())?.open.values() ?? []) {
    if (f.resourceName.toLowerCase() === wanted) add(f.resourceName, f.resourceArn, { accountId: f.accountId, region: f.region });
  }
  return [...found.values()];
}

function resourceLine(table: RoutingTable, r: KnownResource): string {
  const route = routeFor(table, r.facts);
  const needs = routingNeeds(table);
  const caveats = [
    needs.tags && !r.facts.tags ? 'its tags are not recorded yet, so rules on tags were not checked' : '',
    needs.ous ? 'rules on OUs were not checked here (the account’s OUs are read with change events)' : '',
  ].filter(Boolean);
  return `• ${code(truncate(r.name, 120))} (account ${code(r.facts.accountId)}, ${code(r.facts.region)}) → rule ${code(truncate(route.rule, 80))} → ${destination(route)}${caveats.length > 0 ? `\n   _${escapeMrkdwn(caveats.join('; '))}_` : ''}`;
}

export async function routesCommand(parsed: { resource: string | undefined }, { respond }: CommandContext, deps: ListenerDeps): Promise<void> {
  const table = deps.config.app.routing;
  if (!table) {
    const digest = deps.config.app.digest.channel;
    await respond(ephemeral(`No routing file is set (ROUTING_FILE): ${digest ? `change events and the digest go to ${channelLink(digest)}` : 'change events are off and the digest has no channel'}.`));
    return;
  }
  if (parsed.resource === undefined) {
    await respond(ephemeral(routingTableText(table)));
    return;
  }
  const known = await knownResources(parsed.resource, deps);
  if (known.length === 0) {
    await respond(ephemeral(`:warning: I have not recorded a resource named ${code(truncate(parsed.resource, 200))} (no open proposal, not in the last digest); give its ARN: \`routes resource=arn:aws:sagemaker:REGION:ACCOUNT:KIND/NAME\``));
    return;
  }
  await respond(ephemeral([`*Where news about ${code(truncate(parsed.resource, 200))} goes*`, ...known.map((r) => resourceLine(table, r))].join('\n')));
}
