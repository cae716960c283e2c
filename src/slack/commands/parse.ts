import type { AuditSource, CoveredScope } from '../../audit/report.js';
import { RESOURCE_ARN_PATTERN, RESOURCE_NAME_PATTERN, isAccountId, isRegion, isResourceNameOrArn, shown, splitList } from '../../validation.js';
import { COMMAND } from '../ids.js';
import { code, escapeMrkdwn } from '../mrkdwn.js';

/**
 * Pure parser for `/sagemaker-audit` text. No I/O: the listener decides what to do with the result. Problems are
 * mrkdwn: what the person typed is echoed only through `code`, which escapes it (a mention or a backtick stays text).
 *
 *   (nothing)                     the configured scope
 *   us-east-1 eu-west-1           regions
 *   account=123456789012[,…]      accounts
 *   control=SageMaker.3[,…]       controls (unknown ids are an error that lists the valid ones)
 *   resource=<name or ARN>        one resource
 *   source=sagemaker|securityhub|both
 *   help | history [resource] | routes [resource=…] | digest … | exceptions …
 */

export type ParsedCommand =
  | { kind: 'audit'; scope: CoveredScope }
  | { kind: 'help' }
  | { kind: 'history'; resource: string | undefined }
  | { kind: 'routes'; resource: string | undefined }
  | { kind: 'digest'; args: string[] }
  | { kind: 'exceptions'; args: string[] }
  | { kind: 'invalid'; problems: string[] };

export interface ParseDefaults {
  accounts: readonly string[];
  regions: readonly string[];
  /** Every valid control id, in display order. */
  controlIds: readonly string[];
}

const SOURCES: readonly AuditSource[] = ['sagemaker', 'securityhub', 'both'];

export function parseCommand(text: string, defaults: ParseDefaults): ParsedCommand {
  const tokens = text.trim().split(/\s+/).filter(Boolean);
  const first = tokens[0]?.toLowerCase();
  if (first === 'help' || first === '-h' || first === '--help') return tokens.length === 1 ? { kind: 'help' } : { kind: 'invalid', problems: ['`help` takes no arguments'] };
  if (first === 'history') {
    if (tokens.length > 2) return { kind: 'invalid', problems: ['`history` takes at most one resource name or ARN'] };
    return { kind: 'history', resource: tokens[1] };
  }
  if (first === 'routes') return parseRoutes(tokens.slice(1));
  if (first === 'digest' || first === 'exceptions') return { kind: first, args: tokens.slice(1) };

  const problems: string[] = [];
  const regions: string[] = [];
  const accounts: string[] = [];
  const controls: string[] = [];
  let resource: string | undefined;
  let source: AuditSource | undefined;
  const byLower = new Map(defaults.controlIds.map((id) => [id.toLowerCase(), id]));

  for (const token of tokens) {
    const eq = token.indexOf('=');
    if (eq < 0) {
      if (isRegion(token)) {
        if (!regions.includes(token)) regions.push(token);
      } else if (isAccountId(token)) {
        if (!accounts.includes(token)) accounts.push(token);
      } else {
        problems.push(`I don't understand ${code(shown(token))}`);
      }
      continue;
    }
    const key = token.slice(0, eq).toLowerCase();
    const value = token.slice(eq + 1);
    if (value === '') {
      problems.push(`${code(`${shown(key)}=`)} needs a value`);
      continue;
    }
    switch (key) {
      case 'account':
      case 'accounts':
        for (const a of splitList(value)) {
          if (!isAccountId(a)) problems.push(`${code(shown(a))} is not a 12-digit account id`);
          else if (!accounts.includes(a)) accounts.push(a);
        }
        break;
      case 'region':
      case 'regions':
        for (const r of splitList(value)) {
          if (!isRegion(r)) problems.push(`${code(shown(r))} is not an AWS region name`);
          else if (!regions.includes(r)) regions.push(r);
        }
        break;
      case 'control':
      case 'controls':
        for (const c of splitList(value)) {
          const id = byLower.get(c.toLowerCase());
          if (!id) problems.push(`unknown control ${code(shown(c))}; valid: ${defaults.controlIds.join(', ')}`);
          else if (!controls.includes(id)) controls.push(id);
        }
        break;
      case 'resource':
        if (resource !== undefined) problems.push('give `resource=` once');
        else if (!RESOURCE_NAME_PATTERN.test(value) && !RESOURCE_ARN_PATTERN.test(value)) problems.push(`${code(shown(value))} is not a SageMaker resource name or ARN`);
        else if (value.length > 400) problems.push('`resource=` is too long');
        else resource = value;
        break;
      case 'source':
        if (!(SOURCES as readonly string[]).includes(value.toLowerCase())) problems.push(`\`source=\` must be one of ${SOURCES.join(', ')}`);
        else source = value.toLowerCase() as AuditSource;
        break;
      default:
        problems.push(`unknown option ${code(`${shown(key)}=`)}`);
    }
  }
  if (problems.length > 0) return { kind: 'invalid', problems };

  const scope: CoveredScope = {
    accounts: accounts.length > 0 ? accounts : [...defaults.accounts],
    regions: regions.length > 0 ? regions : [...defaults.regions],
    controls,
    source: source ?? 'both',
    ...(resource !== undefined ? { resource } : {}),
  };
  if (scope.regions.length === 0) return { kind: 'invalid', problems: ['no region: name one (e.g. `us-east-1`) or set AUDIT_REGIONS'] };
  return { kind: 'audit', scope };
}

function parseRoutes(args: string[]): ParsedCommand {
  if (args.length === 0) return { kind: 'routes', resource: undefined };
  const [arg] = args;
  const value = arg!.toLowerCase().startsWith('resource=') ? arg!.slice('resource='.length) : '';
  if (args.length > 1 || value === '') return { kind: 'invalid', problems: ['`routes` takes nothing, or `resource=NAME` or `resource=ARN`'] };
  if (!isResourceNameOrArn(value)) return { kind: 'invalid', problems: [`${code(shown(value))} is not a SageMaker resource name or ARN`] };
  return { kind: 'routes', resource: value };
}

export const USAGE = [
  `*Usage:* \`${COMMAND} [region …] [account=ID[,…]] [control=SageMaker.N[,…]] [resource=NAME|ARN] [source=sagemaker|securityhub|both]\``,
  `• \`${COMMAND}\` audits the configured accounts and regions against every control`,
  `• \`${COMMAND} us-east-1 control=SageMaker.3\` one region, one control`,
  `• \`${COMMAND} resource=my-notebook\` one resource`,
  `• \`${COMMAND} history [resource]\` the audit trail (proposals, decisions, fixes), newest first`,
  `• \`${COMMAND} routes [resource=NAME]\` which channel hears about which resources`,
  `• \`${COMMAND} help\` this message`,
].join('\n');

/** Human summary of a scope for mrkdwn (escaped, though every part was validated when parsed). */
export function describeScope(scope: CoveredScope, totalControls: number): string {
  const many = (items: string[], max: number) => escapeMrkdwn(items.length > max ? `${items.slice(0, max).join(', ')} and ${items.length - max} more` : items.join(', '));
  const accounts = scope.accounts.length > 0 ? `account${scope.accounts.length > 1 ? 's' : ''} ${many(scope.accounts, 10)}` : 'the bot’s own account';
  const regions = scope.regions.length > 0 ? many(scope.regions, 10) : 'the configured regions';
  const controls = scope.controls.length > 0 && scope.controls.length < totalControls ? many(scope.controls, 12) : `all ${totalControls} controls`;
  const resource = scope.resource ? ` · resource ${code(scope.resource.slice(0, 400))}` : '';
  return `${accounts} · ${regions} · ${controls} · source ${escapeMrkdwn(scope.source)}${resource}`;
}
