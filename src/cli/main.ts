import { readFileSync } from 'node:fs';
import { AuditRequestError, runAudit } from '../audit/engine.js';
import { formatReport, truncate } from '../audit/formats.js';
import type { AuditReport, AuditScope } from '../audit/report.js';
import { auditVerdict, verdictLine } from '../audit/verdict.js';
import { NoCredentialsError, errorMessage, isCredentialsError } from '../aws/errors.js';
import { ConfigError, loadAuditConfig, loadRiskSourceConfig, type AuditConfig, type RiskSourceConfig } from '../config.js';
import { CONTROLS, UnknownControlError, selectControls, type AnyControl } from '../controls/index.js';
import { cloudFormationYaml } from '../iam/cloudformation.js';
import { permissionTable } from '../iam/explain.js';
import { iamPolicy } from '../iam/policy.js';
import { applyAcceptedRisks } from '../risks/apply.js';
import { RisksFileError } from '../risks/file.js';
import { CONTROLS_HELP, EXCEPTIONS_HELP, IAM_POLICY_HELP, UsageError, mainHelp, parseCommandLine, scanHelp, type ControlsArgs, type IamPolicyArgs, type ScanArgs } from './args.js';
import { openReportFile, type ReportFile } from './output.js';
import { acceptedRisksForScan, exceptionsCommand } from './risks.js';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Terminal width for the table format. */
  columns?: number;
  /** Print per-target progress on stderr (on when stderr is a terminal). */
  progress?: boolean;
  /** The control catalog (default: the registry's). */
  catalog?: readonly AnyControl[];
  /** The clock (accepted risks in force, exports). */
  now?: () => Date;
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
  if (args.format === 'cloudformation') io.stdout(cloudFormationYaml(args.stack));
  else if (args.format === 'markdown') io.stdout(permissionTable(args.scope, args.options));
  else io.stdout(`${JSON.stringify(iamPolicy(args.scope, args.options), null, 2)}\n`);
  return 0;
}

/**
 * The exit status of a scan, from the audit's verdict: 0 everything in scope evaluated and nothing FAILED; 1 something
 * FAILED; 2 incomplete evidence (an UNKNOWN result or a read error) and nothing FAILED. `allowIncomplete` turns that 2
 * into 0, except when nothing could be read at all.
 */
export function exitCodeFor(report: Pick<AuditReport, 'results' | 'errors'>, options: { allowIncomplete?: boolean } = {}): number {
  const verdict = auditVerdict(report);
  if (verdict.outcome === 'failing') return 1;
  if (verdict.outcome === 'incomplete') return options.allowIncomplete && !verdict.nothingRead ? 0 : 2;
  return 0;
}

async function scanCommand(args: ScanArgs, config: AuditConfig, risksFrom: RiskSourceConfig, io: CliIo, catalog: readonly AnyControl[]): Promise<number> {
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

  const file = args.output !== undefined ? await openReportFile(args.output) : undefined;
  try {
    return await scanInto(file, args, request, config, risksFrom, io, catalog);
  } finally {
    await file?.discard().catch(() => undefined);
  }
}

async function scanInto(
  file: ReportFile | undefined,
  args: ScanArgs,
  request: AuditScope,
  config: AuditConfig,
  risksFrom: RiskSourceConfig,
  io: CliIo,
  catalog: readonly AnyControl[],
): Promise<number> {
  const audited = await runAudit(request, {
    config,
    catalog,
    onProgress: io.progress
      ? (e) => {
          if (e.type === 'targets') io.stderr(`scanning ${e.total} target(s): ${e.accounts.length} account(s) × ${e.regions.length} region(s)\n`);
          else io.stderr(`  [${e.done}/${e.total}] ${e.accountId} ${e.region}: ${e.resources} resource(s), ${e.errors} error(s)\n`);
        }
      : undefined,
  });
  const now = (io.now ?? (() => new Date()))();
  const report = applyAcceptedRisks(audited, await acceptedRisksForScan(risksFrom, args.exceptions, io), now);
  const text = formatReport(report, args.format, { width: io.columns ?? 160, totalControls: catalog.length });
  if (file) {
    await file.write(text);
    io.stderr(`report written to ${args.output}\n`);
  } else {
    io.stdout(text);
  }
  // The table shows the verdict itself; a report read by a program (or written to a file) gets it on stderr.
  const verdict = auditVerdict(report);
  if ((verdict.unknown > 0 || verdict.errors > 0) && (file || args.format !== 'table')) io.stderr(`${verdictLine(verdict)}\n`);
  if (args.resource !== undefined && request.source !== 'securityhub' && report.results.length === 0 && report.errors.length === 0) {
    throw new UsageError(
      `--resource "${args.resource}" matched no resource the selected controls check in ${report.scope.accounts.length} account(s) × ${report.scope.regions.length} region(s)`,
    );
  }
  return exitCodeFor(report, { allowIncomplete: args.allowIncomplete });
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
    if (args.help) {
      if (args.command === 'exceptions') {
        io.stdout(EXCEPTIONS_HELP);
        return 0;
      }
      return await scanCommand(args, {} as AuditConfig, {} as RiskSourceConfig, io, catalog);
    }
    const configured = <T>(load: () => T): T => {
      try {
        return load();
      } catch (err) {
        if (err instanceof ConfigError) throw new UsageError(`invalid configuration: ${err.problems.join('; ')}`);
        throw err;
      }
    };
    const risksFrom = configured(() => loadRiskSourceConfig(env));
    if (args.command === 'exceptions') return await exceptionsCommand(args, risksFrom, io, (io.now ?? (() => new Date()))());
    return await scanCommand(args, configured(() => loadAuditConfig(env)), risksFrom, io, catalog);
  } catch (err) {
    // One line whatever the input held (a value echoed back may contain a newline).
    const fail = (message: string, max: number) => {
      io.stderr(`error: ${truncate(message, max)}\n`);
      return 2;
    };
    if (err instanceof UsageError || err instanceof AuditRequestError || err instanceof UnknownControlError || err instanceof RisksFileError) return fail(err.message, 2000);
    if (err instanceof NoCredentialsError || isCredentialsError(err)) return fail(`no AWS credentials found (${NO_CREDENTIALS_HINT})`, 2000);
    return fail(errorMessage(err), 400);
  }
}

