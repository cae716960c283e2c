import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { AuditRequestError, runAudit } from '../audit/engine.js';
import { formatReport, truncate } from '../audit/formats.js';
import type { AuditReport, AuditScope } from '../audit/report.js';
import { NoCredentialsError, errorMessage, isCredentialsError } from '../aws/errors.js';
import { ConfigError, loadAuditConfig, type AuditConfig } from '../config.js';
import { CONTROLS, UnknownControlError, selectControls, type AnyControl } from '../controls/index.js';
import { iamPolicy } from '../iam/policy.js';
import { CONTROLS_HELP, IAM_POLICY_HELP, UsageError, mainHelp, parseCommandLine, scanHelp, type ControlsArgs, type IamPolicyArgs, type ScanArgs } from './args.js';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Terminal width for the table format. */
  columns?: number;
  /** Print per-target progress on stderr (on when stderr is a terminal). */
  progress?: boolean;
  /** The control catalog (default: the registry's). */
  catalog?: readonly AnyControl[];
}

const NO_CREDENTIALS_HINT =
  'set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run where an instance/task role is available';

/** The version in the nearest package.json (src/cli/ in a checkout, dist/ once built). */
function version(): string {
  for (let dir = new URL('./', import.meta.url); ; dir = new URL('../', dir)) {
    try {
      return (JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')) as { version?: string }).version ?? 'unknown';
    } catch {
      if (dir.pathname === '/') return 'unknown';
    }
  }
}

function controlsCommand(args: ControlsArgs, io: CliIo, catalog: readonly AnyControl[]): number {
  if (args.help) {
    io.stdout(CONTROLS_HELP);
    return 0;
  }
  const controls = selectControls(undefined, catalog).map((c) => c.metadata);
  if (args.format === 'json') {
    io.stdout(`${JSON.stringify(controls, null, 2)}\n`);
    return 0;
  }
  const lines = [`${'ID'.padEnd(13)}${'SEVERITY'.padEnd(10)}${'RESOURCE'.padEnd(37)}${'SCHEDULE'.padEnd(18)}${'FIX'.padEnd(10)}TITLE`];
  for (const m of controls) {
    lines.push(`${m.id.padEnd(13)}${m.severity.padEnd(10)}${m.resourceKind.padEnd(37)}${m.schedule.padEnd(18)}${m.remediation.padEnd(10)}${m.title}`);
  }
  io.stdout(`${lines.join('\n')}\n`);
  return 0;
}

function iamPolicyCommand(args: IamPolicyArgs, io: CliIo): number {
  if (args.help) {
    io.stdout(IAM_POLICY_HELP);
    return 0;
  }
  const policy = iamPolicy({
    scope: args.scope,
    securityHubSync: args.securityHubSync,
    discoverAccounts: args.discoverAccounts,
    ...(args.role !== undefined ? { role: args.role } : {}),
  });
  io.stdout(`${JSON.stringify(policy, null, 2)}\n`);
  return 0;
}

/** 0 nothing FAILED; 1 something FAILED; 2 nothing could be read at all (only errors). */
export function exitCodeFor(report: AuditReport): number {
  if (report.summary.byStatus.FAILED > 0) return 1;
  if (report.results.length === 0 && report.errors.length > 0) return 2;
  return 0;
}

async function scanCommand(args: ScanArgs, config: AuditConfig, io: CliIo, catalog: readonly AnyControl[]): Promise<number> {
  if (args.help) {
    io.stdout(scanHelp(catalog));
    return 0;
  }
  selectControls(args.controls, catalog); // unknown ids fail before any AWS call
  const regions = args.regions ?? config.regions;
  if (regions.length === 0) throw new UsageError('no region: set --regions or AWS_REGION');
  const request: AuditScope = { regions, source: args.source };
  if (args.accounts) request.accounts = args.accounts;
  if (args.role !== undefined) request.role = args.role;
  if (args.discoverAccounts !== undefined) request.discoverAccounts = args.discoverAccounts;
  if (args.controls) request.controls = args.controls;
  if (args.resource !== undefined) request.resource = args.resource;

  const report = await runAudit(request, {
    config,
    catalog,
    onProgress: io.progress
      ? (e) => {
          if (e.type === 'targets') io.stderr(`scanning ${e.total} target(s): ${e.accounts.length} account(s) × ${e.regions.length} region(s)\n`);
          else io.stderr(`  [${e.done}/${e.total}] ${e.accountId} ${e.region}: ${e.resources} resource(s), ${e.errors} error(s)\n`);
        }
      : undefined,
  });
  const text = formatReport(report, args.format, { width: io.columns ?? 160, totalControls: catalog.length });
  if (args.output !== undefined) {
    await writeFile(args.output, text, 'utf8');
    io.stderr(`report written to ${args.output}\n`);
  } else {
    io.stdout(text);
  }
  if (report.errors.length > 0 && args.output === undefined && args.format !== 'table') {
    io.stderr(`warning: ${report.errors.length} read error(s); see "errors" in the report\n`);
  }
  return exitCodeFor(report);
}

/**
 * The CLI. `env` is passed in (src/cli/bin.ts hands it process.env) and read only through loadAuditConfig; flags override it.
 * Returns the exit code; never calls process.exit.
 */
export async function main(argv: readonly string[], env: Record<string, string | undefined>, io: CliIo): Promise<number> {
  const catalog = io.catalog ?? CONTROLS;
  try {
    const args = parseCommandLine(argv);
    if (args.command === 'help') {
      io.stdout(mainHelp(catalog));
      return 0;
    }
    if (args.command === 'version') {
      io.stdout(`${version()}\n`);
      return 0;
    }
    if (args.command === 'controls') return controlsCommand(args, io, catalog);
    if (args.command === 'iam-policy') return iamPolicyCommand(args, io);
    if (args.help) return await scanCommand(args, {} as AuditConfig, io, catalog);
    let config: AuditConfig;
    try {
      config = loadAuditConfig(env);
    } catch (err) {
      if (err instanceof ConfigError) throw new UsageError(`invalid configuration: ${err.problems.join('; ')}`);
      throw err;
    }
    return await scanCommand(args, config, io, catalog);
  } catch (err) {
    if (err instanceof UsageError || err instanceof AuditRequestError || err instanceof UnknownControlError) {
      io.stderr(`error: ${err.message}\n`);
      return 2;
    }
    if (err instanceof NoCredentialsError || isCredentialsError(err)) {
      io.stderr(`error: no AWS credentials found (${NO_CREDENTIALS_HINT})\n`);
      return 2;
    }
    io.stderr(`error: ${truncate(errorMessage(err), 400)}\n`);
    return 2;
  }
}

