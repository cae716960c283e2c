import { parseArgs } from 'node:util';
import type { AuditSource } from '../audit/report.js';
import { REPORT_FORMATS, type ReportFormat } from '../audit/formats.js';
import { DEFAULT_AWS_TIMEOUTS } from '../config.js';
import type { AnyControl } from '../controls/index.js';
import { STACK_KINDS, type StackKind } from '../iam/cloudformation.js';
import { DEFAULT_ROLE_NAMES, POLICY_SCOPES, type ArnOptions, type PolicyOptions, type PolicyScope } from '../iam/policy.js';
import { accountProblems, isAccountId, regionProblems, roleProblem, shown, splitList } from '../validation.js';

/** Bad command line: printed as one line `error: …`, exit 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** "SageMaker.1-25": the catalog's first and last control ids. */
function controlRange(catalog: readonly AnyControl[]): string {
  const ids = catalog.map((c) => c.metadata.id);
  return ids.length > 1 ? `${ids[0]}-${ids[ids.length - 1]!.slice(ids[ids.length - 1]!.lastIndexOf('.') + 1)}` : (ids[0] ?? 'none');
}

/** The exit status of `scan`, as the help shows it (the rule itself: exitCodeFor in main.ts). */
const EXIT_STATUS = `Exit status of scan:
  0  every resource in scope was evaluated and nothing FAILED (accepted risks, SUPPRESSED, are not failures)
  1  at least one FAILED result
  2  incomplete evidence and nothing FAILED: an UNKNOWN result or a read error (0 with --allow-incomplete,
     unless nothing could be read at all); or an error: bad arguments or configuration, no credentials,
     --output not writable, --resource matched nothing
`;

export const mainHelp = (catalog: readonly AnyControl[]): string => `sagemaker-audit: audit Amazon SageMaker against the AWS Security Hub controls ${controlRange(catalog)}

Usage:
  sagemaker-audit scan [options]        audit accounts × regions, print a report
  sagemaker-audit controls [options]    list the controls
  sagemaker-audit iam-policy [options]  print the least-privilege IAM policy of a role, or the CloudFormation templates
  sagemaker-audit exceptions export|import   the app's accepted risks to or from a file
  sagemaker-audit --version

Run "sagemaker-audit <command> --help" for the options of a command.

${EXIT_STATUS}`;

export const scanHelp = (catalog: readonly AnyControl[]): string => `Usage: sagemaker-audit scan [options]

Options:
  --regions a,b              regions to audit (default: AUDIT_REGIONS, else AWS_REGION / AWS_DEFAULT_REGION)
  --accounts 1,2             12-digit account ids (default: AUDIT_ACCOUNTS, else the credentials' own account)
  --role NAME|ARN-template   role assumed in each account: a name (arn:aws:iam::<id>:role/NAME) or an ARN
                             containing {accountId} (default: AUDIT_ROLE)
  --discover-accounts        add the ACTIVE accounts of the AWS Organization (Organizations ListAccounts)
  --controls SageMaker.3,…   only these controls (default: all ${catalog.length})
  --resource NAME|ARN        only this resource
  --source S                 sagemaker (live only), securityhub (findings only) or both (default)
  --format F                 table (default), json, csv or markdown
  --output FILE              write the report to FILE instead of standard output (checked before the scan)
  --allow-incomplete         exit 0 when nothing FAILED even if some evidence could not be read
  --exceptions FILE          accepted risks from FILE (written by "sagemaker-audit exceptions export") when the
                             app's Redis (REDIS_URL) is not set or does not answer
  -h, --help                 this help

Credentials come from the AWS SDK default chain (environment, profile, SSO, instance role).
AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE> are honoured by the SDK. Every AWS call gives up after
AWS_CONNECT_TIMEOUT_MS (default ${DEFAULT_AWS_TIMEOUTS.connectMs}) to connect and AWS_REQUEST_TIMEOUT_MS (default ${DEFAULT_AWS_TIMEOUTS.requestMs}) to answer, then is
retried up to AWS_MAX_ATTEMPTS attempts in all; what still fails is listed under errors.

Accepted risks: results the app's accepted risks cover are SUPPRESSED (with who accepted them, why and until when),
read from the app's Redis (REDIS_URL, QUEUE_PREFIX) when it answers, else from --exceptions FILE.

${EXIT_STATUS}`;

export const CONTROLS_HELP = `Usage: sagemaker-audit controls [options]

Options:
  --format F    table (default) or json
  -h, --help    this help
`;

export const IAM_POLICY_HELP = `Usage: sagemaker-audit iam-policy [options]

Prints the least-privilege IAM policy of a role, derived from the calls the tool makes: the audit's reads, what each
remediation step (and its undo) calls, and the app's own AssumeRole. Or the CloudFormation templates of deploy/.

Roles (--scope):
  audit         read-only role in each member account (AUDIT_ROLE): List, Describe, ListTags, Security Hub reads
  remediation   role in each member account assumed for approved fixes only (REMEDIATION_ROLE)
  hub           the app's own role: assumes the two roles above
  all           audit and remediation in one role (default; for a setup without REMEDIATION_ROLE)

Options:
  --scope S                  audit, remediation, hub or all (default)
  --format F                 json (default), cloudformation (a template of deploy/) or markdown (every action and why)
  --stack member|hub         with --format cloudformation: the member account roles (default) or the app's role
  --account ID               the member account the policy is for (default: * = any)
  --partition P              aws (default), aws-cn or aws-us-gov
  --pass-roles ARN,…         execution roles fixes may pass to SageMaker (iam:PassRole; default: any role of the account)
  --kms-keys ARN,…           KMS keys SageMaker may create grants on for fixes (default: any key of the account)
  --role NAME|ARN-template   hub: the audit role it assumes (default: ${DEFAULT_ROLE_NAMES.audit})
  --remediation-role NAME|ARN-template
                             hub: the remediation role it assumes (default: ${DEFAULT_ROLE_NAMES.remediation})
  --securityhub-sync         audit: add securityhub:BatchUpdateFindings (SECURITYHUB_SYNC=true)
  --discover-accounts        hub: add organizations:ListAccounts (AUDIT_DISCOVER_ACCOUNTS=true)
  -h, --help                 this help

With --format cloudformation every choice is a stack parameter (HubRoleArn, ExternalId, role names, ExecutionRoleArns,
KmsKeyArns, SecurityHubSync, DiscoverAccounts): only --stack applies.
`;

export const EXCEPTIONS_HELP = `Usage:
  sagemaker-audit exceptions export [--output FILE]   the accepted risks in force, as JSON (standard output by default)
  sagemaker-audit exceptions import FILE              store a file's accepted risks in the app's Redis

Both read the app's Redis: REDIS_URL (and QUEUE_PREFIX when the app sets one). The file is what
"sagemaker-audit scan --exceptions FILE" reads where the app's Redis cannot be reached (a CI pipeline).
Importing keeps who accepted each risk, why and until when; risks already expired are skipped.

Options:
  --output FILE   write the export to FILE
  -h, --help      this help
`;

export type ExceptionsArgs = { command: 'exceptions'; help: boolean } & ({ action: 'export'; output?: string } | { action: 'import'; file: string });

export interface IamPolicyArgs {
  command: 'iam-policy';
  help: boolean;
  scope: PolicyScope;
  format: 'json' | 'cloudformation' | 'markdown';
  stack: StackKind;
  options: PolicyOptions & ArnOptions;
}

export interface ScanArgs {
  command: 'scan';
  help: boolean;
  regions?: string[];
  accounts?: string[];
  role?: string;
  discoverAccounts?: boolean;
  controls?: string[];
  resource?: string;
  source: AuditSource;
  format: ReportFormat;
  output?: string;
  /** Exit 0 instead of 2 when nothing FAILED but some evidence could not be read. */
  allowIncomplete: boolean;
  /** Accepted risks from this file when the app's Redis is not reachable. */
  exceptions?: string;
}

export interface ControlsArgs {
  command: 'controls';
  help: boolean;
  format: 'table' | 'json';
}

export type ParsedArgs = ScanArgs | ControlsArgs | IamPolicyArgs | ExceptionsArgs | { command: 'help' } | { command: 'version' };

function list(value: string | undefined, flag: string): string[] | undefined {
  if (value === undefined) return undefined;
  const items = splitList(value);
  if (items.length === 0) throw new UsageError(`${flag} needs at least one value`);
  return items;
}

/** Runs node:util parseArgs and turns its errors into one-line UsageErrors. */
function guard<T>(command: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    const e = err as { code?: string; message?: string };
    const message = e.message ?? String(err);
    // node:util quotes the offending argument, which may itself hold a newline or a quote.
    const quoted = shown(/'([\s\S]*)'/.exec(message)?.[1] ?? message);
    if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new UsageError(`unknown option ${quoted} (see sagemaker-audit ${command} --help)`);
    if (e.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') throw new UsageError(`unexpected argument "${quoted}" (see sagemaker-audit ${command} --help)`);
    throw new UsageError(shown(message.split('\n')[0] ?? '').replace(/\.$/, ''));
  }
}

export function parseCommandLine(argv: readonly string[]): ParsedArgs {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') return { command: 'help' };
  if (first === '--version' || first === '-v') return { command: 'version' };

  if (first === 'controls') {
    const { values } = guard('controls', () =>
      parseArgs({ args: rest, strict: true, allowPositionals: false, options: { format: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }),
    );
    const format = values.format ?? 'table';
    if (format !== 'table' && format !== 'json') throw new UsageError(`unknown format "${shown(format)}" (valid: table, json)`);
    return { command: 'controls', help: values.help === true, format };
  }

  if (first === 'iam-policy') {
    const { values } = guard('iam-policy', () =>
      parseArgs({
        args: rest,
        strict: true,
        allowPositionals: false,
        options: {
          scope: { type: 'string' },
          format: { type: 'string' },
          stack: { type: 'string' },
          account: { type: 'string' },
          partition: { type: 'string' },
          'pass-roles': { type: 'string' },
          'kms-keys': { type: 'string' },
          role: { type: 'string' },
          'remediation-role': { type: 'string' },
          'securityhub-sync': { type: 'boolean' },
          'discover-accounts': { type: 'boolean' },
          help: { type: 'boolean', short: 'h' },
        },
      }),
    );
    const scope = values.scope ?? 'all';
    if (!(POLICY_SCOPES as readonly string[]).includes(scope)) throw new UsageError(`unknown scope "${shown(scope)}" (valid: ${POLICY_SCOPES.join(', ')})`);
    const format = values.format ?? 'json';
    if (format !== 'json' && format !== 'cloudformation' && format !== 'markdown') throw new UsageError(`unknown format "${shown(format)}" (valid: json, cloudformation, markdown)`);
    const stack = values.stack ?? 'member';
    if (!(STACK_KINDS as readonly string[]).includes(stack)) throw new UsageError(`unknown stack "${shown(stack)}" (valid: ${STACK_KINDS.join(', ')})`);
    if (values.stack !== undefined && format !== 'cloudformation') throw new UsageError('--stack needs --format cloudformation');
    const policyFlags = ['scope', 'account', 'partition', 'pass-roles', 'kms-keys', 'role', 'remediation-role', 'securityhub-sync', 'discover-accounts'] as const;
    const given = policyFlags.find((f) => values[f] !== undefined);
    if (format === 'cloudformation' && given) throw new UsageError(`--${given} does not apply to --format cloudformation: the templates take it as a stack parameter`);
    if (values.account !== undefined && !isAccountId(values.account)) throw new UsageError(`not a 12-digit account id: "${shown(values.account)}"`);
    if (values.partition !== undefined && !['aws', 'aws-cn', 'aws-us-gov'].includes(values.partition)) throw new UsageError(`unknown partition "${shown(values.partition)}" (valid: aws, aws-cn, aws-us-gov)`);
    for (const flag of ['role', 'remediation-role'] as const) {
      const value = values[flag];
      if (value === undefined) continue;
      const problem = roleProblem(value.trim());
      if (problem) throw new UsageError(`--${flag}: ${problem}`);
    }
    const arns = (flag: 'pass-roles' | 'kms-keys', pattern: RegExp, what: string): string[] | undefined => {
      const items = list(values[flag], `--${flag}`);
      const bad = items?.find((x) => !pattern.test(x));
      if (bad !== undefined) throw new UsageError(`--${flag}: not ${what}: "${shown(bad)}"`);
      return items;
    };
    const passRoles = arns('pass-roles', /^arn:aws[a-z-]*:iam::(\d{12}|\*):role\/\S+$/, 'an IAM role ARN (pattern)');
    const kmsKeys = arns('kms-keys', /^arn:aws[a-z-]*:kms:[a-z0-9-*]+:(\d{12}|\*):(key|alias)\/\S+$/, 'a KMS key ARN (pattern)');
    const options: PolicyOptions & ArnOptions = {
      ...(values['securityhub-sync'] ? { securityHubSync: true } : {}),
      ...(values['discover-accounts'] ? { discoverAccounts: true } : {}),
      ...(values.account !== undefined ? { account: values.account } : {}),
      ...(values.partition !== undefined ? { partition: values.partition } : {}),
      ...(passRoles ? { executionRoles: passRoles } : {}),
      ...(kmsKeys ? { kmsKeys } : {}),
      ...(values.role !== undefined ? { auditRole: values.role.trim() } : {}),
      ...(values['remediation-role'] !== undefined ? { remediationRole: values['remediation-role'].trim() } : {}),
    };
    return { command: 'iam-policy', help: values.help === true, scope: scope as PolicyScope, format, stack: stack as StackKind, options };
  }

  if (first === 'scan') {
    const { values } = guard('scan', () =>
      parseArgs({
        args: rest,
        strict: true,
        allowPositionals: false,
        options: {
        regions: { type: 'string' },
        accounts: { type: 'string' },
        role: { type: 'string' },
        'discover-accounts': { type: 'boolean' },
        controls: { type: 'string' },
        resource: { type: 'string' },
        source: { type: 'string' },
        format: { type: 'string' },
        output: { type: 'string' },
        'allow-incomplete': { type: 'boolean' },
        exceptions: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        },
      }),
    );
    const regions = list(values.regions, '--regions');
    const accounts = list(values.accounts, '--accounts');
    const [problem] = [...regionProblems(regions ?? []), ...accountProblems(accounts ?? [])];
    if (problem) throw new UsageError(problem);
    const source = values.source ?? 'both';
    if (source !== 'sagemaker' && source !== 'securityhub' && source !== 'both') {
      throw new UsageError(`unknown source "${shown(source)}" (valid: sagemaker, securityhub, both)`);
    }
    const format = values.format ?? 'table';
    if (!(REPORT_FORMATS as readonly string[]).includes(format)) throw new UsageError(`unknown format "${shown(format)}" (valid: ${REPORT_FORMATS.join(', ')})`);
    if (values.role !== undefined && values.role.trim() === '') throw new UsageError('--role needs a role name or ARN template');
    const roleIssue = values.role === undefined ? undefined : roleProblem(values.role.trim());
    if (roleIssue) throw new UsageError(`--role: ${roleIssue}`);
    if (values.resource !== undefined && values.resource.trim() === '') throw new UsageError('--resource needs a name or ARN');
    if (values.output !== undefined && values.output.trim() === '') throw new UsageError('--output needs a file name');
    if (values.exceptions !== undefined && values.exceptions.trim() === '') throw new UsageError('--exceptions needs a file name');
    const out: ScanArgs = { command: 'scan', help: values.help === true, source, format: format as ReportFormat, allowIncomplete: values['allow-incomplete'] === true };
    if (regions) out.regions = regions;
    if (accounts) out.accounts = accounts;
    if (values.role !== undefined) out.role = values.role;
    if (values['discover-accounts'] !== undefined) out.discoverAccounts = values['discover-accounts'];
    const controls = list(values.controls, '--controls');
    if (controls) out.controls = controls;
    if (values.resource !== undefined) out.resource = values.resource.trim();
    if (values.output !== undefined) out.output = values.output;
    if (values.exceptions !== undefined) out.exceptions = values.exceptions;
    return out;
  }

  if (first === 'exceptions') {
    const { values, positionals } = guard('exceptions', () =>
      parseArgs({ args: rest, strict: true, allowPositionals: true, options: { output: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }),
    );
    const help = values.help === true;
    const [action, ...more] = positionals;
    if (help && action === undefined) return { command: 'exceptions', help, action: 'export' };
    if (action === 'export') {
      if (more.length > 0) throw new UsageError(`unexpected argument "${shown(more[0]!)}" (see sagemaker-audit exceptions --help)`);
      if (values.output !== undefined && values.output.trim() === '') throw new UsageError('--output needs a file name');
      return { command: 'exceptions', help, action: 'export', ...(values.output !== undefined ? { output: values.output } : {}) };
    }
    if (action === 'import') {
      if (values.output !== undefined) throw new UsageError('--output is for export');
      if (more.length !== 1 || more[0]!.trim() === '') throw new UsageError('exceptions import needs one FILE (see sagemaker-audit exceptions --help)');
      return { command: 'exceptions', help, action: 'import', file: more[0]! };
    }
    throw new UsageError(action === undefined ? 'exceptions needs export or import (see sagemaker-audit exceptions --help)' : `unknown exceptions action "${shown(action)}" (valid: export, import)`);
  }

  if (first.startsWith('-')) throw new UsageError(`unknown option ${shown(first)} (see sagemaker-audit --help)`);
  throw new UsageError(`unknown command "${shown(first)}" (valid: scan, controls, iam-policy, exceptions)`);
}
