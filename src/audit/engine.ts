import { resolveTargets, type AuditTarget } from '../aws/accounts.js';
import { defaultClientFactory, destroyClients, type ClientFactory } from '../aws/clients.js';
import { isRegionNotEnabledCode, toReadError } from '../aws/errors.js';
import { nameFromArn } from '../aws/arns.js';
import { configurationFingerprint } from '../aws/fingerprint.js';
import { collectInventory, matchesResource, needsFor } from '../aws/inventory.js';
import { KINDS, kindOfResourceType } from '../aws/kinds/index.js';
import type { AuditNote, ReadError, ResourceKind, ResourceSnapshot } from '../aws/resources.js';
import { readAdministrator, readControlFindingGenerator, readFailedFindings, type FindingsRead, type SecurityHubFinding } from '../aws/securityhub.js';
import type { AuditConfig } from '../config.js';
import { UnknownControlError, selectControls, type AnyControl } from '../controls/index.js';
import { evaluateSnapshot } from './evaluate.js';
import { createLimit, mapLimit } from '../util/limit.js';
import type { AuditReport, AuditResult, AuditScope, AuditSource, SecurityHubView } from './report.js';
import { compareResults, summarize } from './summary.js';
import type { Severity } from '../aws/resources.js';

export type AuditProgress =
  | { type: 'targets'; total: number; accounts: string[]; regions: string[] }
  | { type: 'target-done'; accountId: string; region: string; resources: number; errors: number; done: number; total: number };

export interface AuditDeps {
  config: AuditConfig;
  /** How SDK clients are made; default: the SDK defaults (credential chain, endpoint env vars). */
  clientFactory?: ClientFactory;
  now?: () => Date;
  onProgress?: (event: AuditProgress) => void;
  /** Account+region targets scanned at once (each has its own `config.concurrency` call limit). Default 16. */
  targetConcurrency?: number;
  /** The control catalog (default: the registry's). */
  catalog?: readonly AnyControl[];
}

/** Bad input from the caller (unknown control id, no region, …): the CLI exits 2 with this message. */
export class AuditRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuditRequestError';
  }
}

function kindOfFinding(f: SecurityHubFinding, control: AnyControl | undefined): ResourceKind | undefined {
  return control ? control.metadata.resourceKind : kindOfResourceType(f.resourceType);
}

function findingView(f: SecurityHubFinding | undefined, drift: SecurityHubView['drift']): SecurityHubView {
  return f
    ? { status: 'FAILED', findingId: f.id, productArn: f.productArn, workflowStatus: f.workflowStatus, drift }
    : { status: null, findingId: null, productArn: null, workflowStatus: null, drift };
}

/**
 * A Security Hub finding that no live result matched. When the live inventory listed that kind in full here, the
 * resource is gone (deleted or renamed) and the finding is stale: NOT_APPLICABLE, so it neither counts as failing
 * nor hides anything. Otherwise the live side could not tell, and Security Hub's FAILED stands.
 */
function reportedOnlyResult(
  f: SecurityHubFinding,
  control: AnyControl | undefined,
  source: AuditSource,
  listedKinds: ReadonlySet<ResourceKind>,
): AuditResult | undefined {
  const kind = kindOfFinding(f, control);
  if (!kind) return undefined;
  const name = nameFromArn(f.resourceId);
  const severity: Severity = f.severity ?? control?.metadata.severity ?? 'MEDIUM';
  const gone = source !== 'securityhub' && listedKinds.has(kind);
  const reason =
    source === 'securityhub'
      ? `Security Hub reports ${f.controlId} FAILED for ${name} (workflow ${f.workflowStatus}); not re-checked live (--source securityhub).`
      : gone
        ? `Security Hub still reports ${f.controlId} FAILED for ${name}, but no such resource exists any more (deleted or renamed): the finding is stale.`
        : `Security Hub reports ${f.controlId} FAILED for ${name}; the live inventory could not read it.`;
  return {
    controlId: f.controlId,
    status: gone ? 'NOT_APPLICABLE' : 'FAILED',
    severity,
    resourceKind: kind,
    resourceType: KINDS[kind].resourceType,
    resourceArn: f.resourceId,
    resourceName: name,
    accountId: f.accountId,
    region: f.region,
    reason,
    remediation: null,
    securityHub: findingView(f, 'reported-only'),
    fingerprint: null,
  };
}

interface TargetOutcome {
  results: AuditResult[];
  errors: ReadError[];
  notes: AuditNote[];
  resources: number;
  /** Findings were read in the target's own Security Hub; `administrator` when it is a member account. */
  securityHub?: { administrator: string | undefined };
}

async function auditTarget(
  target: AuditTarget,
  ctx: { controls: AnyControl[]; source: AuditSource; resource: string | undefined; config: AuditConfig; factory: ClientFactory },
): Promise<TargetOutcome> {
  const { accountId, region } = target;
  const { controls, source, config } = ctx;
  const clients = ctx.factory.aws(target.credentials ? { region, credentials: target.credentials } : { region });
  const limit = createLimit(config.concurrency);
  const results: AuditResult[] = [];
  const errors: ReadError[] = [];
  const notes: AuditNote[] = [];
  let resources = 0;
  const byKind = new Map<ResourceKind, AnyControl[]>();
  for (const c of controls) byKind.set(c.metadata.resourceKind, [...(byKind.get(c.metadata.resourceKind) ?? []), c]);

  // Evaluate each snapshot as soon as it is read, then let it go: only results are kept.
  const onSnapshot = (snapshot: ResourceSnapshot): void => {
    resources++;
    const fingerprint = snapshot.detail !== undefined || snapshot.tags !== undefined ? configurationFingerprint(snapshot.ref.kind, snapshot.detail, snapshot.tags) : null;
    results.push(...evaluateSnapshot(snapshot, byKind.get(snapshot.ref.kind) ?? [], config, fingerprint));
  };

  try {
    const inventory =
      source === 'securityhub'
        ? undefined
        : collectInventory({ accountId, region, sagemaker: clients.sagemaker }, needsFor(controls), {
            concurrency: config.concurrency,
            resource: ctx.resource,
            onSnapshot,
            limit,
          });
    const findings: Promise<FindingsRead> | undefined =
      source === 'sagemaker'
        ? undefined
        : readFailedFindings(clients.securityHub, { accountId, region, controlIds: controls.map((c) => c.metadata.id), limit }).catch(
            (err: unknown): FindingsRead => ({ enabled: true, findings: [], pages: 0, error: toReadError(err, { accountId, region, service: 'securityhub', operation: 'securityhub:GetFindings' }) }),
          );
    const [inv, sh] = await Promise.all([inventory, findings]);
    if (inv) errors.push(...inv.errors);
    if (!sh) return { results, errors, notes, resources };

    if (sh.error) errors.push(sh.error);
    if (!sh.enabled) {
      // With Security Hub as the only source, nothing at all was read here: that is missing evidence, not a pass.
      if (source === 'securityhub') {
        errors.push({
          accountId,
          region,
          service: 'securityhub',
          operation: 'securityhub:GetFindings',
          code: 'SecurityHubNotEnabled',
          message: 'Security Hub is not enabled here, and with source securityhub nothing else is read: nothing was evaluated.',
        });
      } else {
        notes.push({ accountId, region, message: 'Security Hub is not enabled here: results come from the live SageMaker evaluation only.' });
      }
      return { results, errors, notes, resources };
    }
    if (sh.error) return { results, errors, notes, resources }; // findings unknown: leave securityHub null
    const administrator = await limit(() => readAdministrator(clients.securityHub));

    const controlById = new Map(controls.map((c) => [c.metadata.id, c]));
    const wanted = sh.findings.filter((f) => controlById.has(f.controlId) && matchesResource(ctx.resource, nameFromArn(f.resourceId), f.resourceId));
    const byKey = new Map(wanted.map((f) => [`${f.controlId}|${f.resourceId.toLowerCase()}`, f]));
    const matched = new Set<SecurityHubFinding>();
    for (const r of results) {
      const f = byKey.get(`${r.controlId}|${r.resourceArn.toLowerCase()}`);
      if (f) matched.add(f);
      if (r.status === 'FAILED') {
        r.securityHub = findingView(f, f ? 'agrees' : 'failing-not-reported');
      } else if (r.status === 'UNKNOWN') {
        r.securityHub = findingView(f, f ? 'reported-only' : 'not-compared');
        if (f) r.reason = `${r.reason} Security Hub reports it FAILED.`;
      } else {
        r.securityHub = findingView(f, f ? 'fixed-still-reported' : 'agrees');
        if (f) r.reason = `${r.reason} Security Hub still reports it FAILED (awaiting re-evaluation).`;
      }
    }
    // Kinds whose List calls all succeeded here: a finding for one of them that matched nothing is stale.
    const failedLists = new Set(errors.filter((e) => e.resourceArn === undefined).map((e) => e.operation));
    const listedKinds = new Set([...byKind.keys()].filter((kind) => inv && !failedLists.has(KINDS[kind].list.operation)));
    for (const f of wanted) {
      if (matched.has(f)) continue;
      const r = reportedOnlyResult(f, controlById.get(f.controlId), source, listedKinds);
      if (r) results.push(r);
    }
    // Live failures and not one finding: ask why, once. Per-standard findings may not carry SageMaker.N ids.
    if (wanted.length === 0 && results.some((r) => r.status === 'FAILED')) {
      const generator = await limit(() => readControlFindingGenerator(clients.securityHub));
      if (generator === 'STANDARD_CONTROL') {
        notes.push({
          accountId,
          region,
          message:
            'Security Hub here makes one finding per standard (ControlFindingGenerator STANDARD_CONTROL), so findings may not carry SageMaker.N control ids and the comparison can miss them: turn on consolidated control findings.',
        });
      }
    }
    return { results, errors, notes, resources, securityHub: { administrator } };
  } finally {
    destroyClients(clients);
  }
}

const listed = (ids: readonly string[]): string => (ids.length > 10 ? `${ids.slice(0, 10).join(', ')} and ${ids.length - 10} more` : ids.join(', '));

/**
 * Where the findings came from: each account's own Security Hub. A member account's hub holds its own findings only
 * (its administrator's holds them too); the note says which accounts were members, of which administrator.
 */
function securityHubNote(outcomes: readonly { accountId: string; outcome: TargetOutcome }[]): AuditNote | undefined {
  const read = outcomes.filter((o) => o.outcome.securityHub);
  if (read.length === 0) return undefined;
  const byAdministrator = new Map<string, Set<string>>();
  const own = new Set<string>();
  for (const { accountId, outcome } of read) {
    const admin = outcome.securityHub!.administrator;
    if (admin && admin !== accountId) byAdministrator.set(admin, (byAdministrator.get(admin) ?? new Set()).add(accountId));
    else own.add(accountId);
  }
  const parts = [...byAdministrator].map(([admin, members]) => `${members.size} member account(s) of administrator ${admin} (${listed([...members].sort())})`);
  if (own.size > 0) parts.push(`${own.size} administrator or standalone account(s) (${listed([...own].sort())})`);
  return { message: `Security Hub findings were read in each audited account's own Security Hub: ${parts.join('; ')}. A member account's hub holds its own findings only.` };
}

/**
 * A Region the account has not enabled (opt-in) refuses every call of the target: one entry for it, not one per call.
 * When another Region of the same account answered, the credentials are good and it is certainly the Region: a note.
 */
function collapseRegionsNotEnabled(outcomes: { accountId: string; region: string; outcome: TargetOutcome }[]): AuditNote[] {
  const refused = (o: TargetOutcome): boolean => o.results.length === 0 && o.errors.length > 0 && o.errors.every((e) => isRegionNotEnabledCode(e.code));
  const answered = new Set(outcomes.filter((o) => !refused(o.outcome)).map((o) => o.accountId));
  const notes: AuditNote[] = [];
  for (const o of outcomes) {
    if (!refused(o.outcome)) continue;
    const code = o.outcome.errors[0]!.code;
    if (answered.has(o.accountId)) {
      notes.push({ accountId: o.accountId, region: o.region, message: `${o.region} is not enabled in account ${o.accountId} (an opt-in Region): nothing to audit there.` });
      o.outcome.errors = [];
    } else {
      o.outcome.errors = [
        {
          accountId: o.accountId,
          region: o.region,
          operation: 'region',
          code,
          message: `every call was refused with ${code}: ${o.region} is not enabled for the account (an opt-in Region), or the credentials are not valid there`,
        },
      ];
    }
  }
  return notes;
}

/**
 * The audit: resolve account × region targets, read the inventory the selected controls need, evaluate, merge
 * with Security Hub findings, summarise. Targets run concurrently; a failing target never stops the others.
 * Throws AuditRequestError on bad input and NoCredentialsError when there are no credentials at all.
 */
export async function runAudit(request: AuditScope, deps: AuditDeps): Promise<AuditReport> {
  const now = deps.now ?? (() => new Date());
  const started = now();
  const t0 = performance.now();
  const { config } = deps;
  let controls: AnyControl[];
  try {
    controls = selectControls(request.controls, deps.catalog);
  } catch (err) {
    if (err instanceof UnknownControlError) throw new AuditRequestError(err.message);
    throw err;
  }
  const source: AuditSource = request.source ?? 'both';
  if (!['sagemaker', 'securityhub', 'both'].includes(source)) throw new AuditRequestError(`unknown source "${source}" (valid: sagemaker, securityhub, both)`);
  const regions = [...new Set(request.regions && request.regions.length > 0 ? request.regions : config.regions)];
  if (regions.length === 0) throw new AuditRequestError('no region: set --regions or AWS_REGION');
  const factory = deps.clientFactory ?? defaultClientFactory({ maxAttempts: config.maxAttempts, timeouts: config.awsTimeouts });
  const resource = request.resource?.trim() || undefined;

  const resolved = await resolveTargets({
    accounts: request.accounts ?? config.accounts,
    regions,
    role: request.role ?? config.role,
    externalId: config.externalId,
    discoverAccounts: request.discoverAccounts ?? config.discoverAccounts,
    factory,
  });
  const total = resolved.targets.length;
  deps.onProgress?.({ type: 'targets', total, accounts: resolved.accounts, regions });

  let done = 0;
  const perTarget = await mapLimit(resolved.targets, deps.targetConcurrency ?? 16, async (target) => {
    const outcome = await auditTarget(target, { controls, source, resource, config, factory }).catch(
      (err: unknown): TargetOutcome => ({
        results: [],
        errors: [toReadError(err, { accountId: target.accountId, region: target.region, operation: 'audit' })],
        notes: [],
        resources: 0,
      }),
    );
    done++;
    deps.onProgress?.({ type: 'target-done', accountId: target.accountId, region: target.region, resources: outcome.resources, errors: outcome.errors.length, done, total });
    return { accountId: target.accountId, region: target.region, outcome };
  });
  const regionNotes = collapseRegionsNotEnabled(perTarget);
  const shNote = securityHubNote(perTarget);
  const outcomes = perTarget.map((t) => t.outcome);

  const results = outcomes.flatMap((o) => o.results).sort(compareResults);
  const errors = [...resolved.errors, ...outcomes.flatMap((o) => o.errors)].sort(
    (a, b) =>
      a.accountId.localeCompare(b.accountId) ||
      a.region.localeCompare(b.region) ||
      a.operation.localeCompare(b.operation) ||
      (a.resourceArn ?? '').localeCompare(b.resourceArn ?? ''),
  );
  const notes = [...resolved.notes, ...regionNotes, ...outcomes.flatMap((o) => o.notes), ...(shNote ? [shNote] : [])];
  const notReported = results.filter((r) => r.securityHub?.drift === 'failing-not-reported').length;
  if (notReported > 0) {
    notes.push({
      message: `${notReported} live failure(s) have no Security Hub finding yet: not evaluated yet, or the control's Config rule is not available in that region. They are failures all the same.`,
    });
  }
  const controlIds = controls.map((c) => c.metadata.id);
  const scope: AuditReport['scope'] = { accounts: resolved.accounts, regions, controls: controlIds, source };
  if (resource !== undefined) scope.resource = resource;
  return {
    generatedAt: started.toISOString(),
    durationMs: Math.round(performance.now() - t0),
    scope,
    summary: summarize(results, { controls: controlIds, accounts: resolved.accounts, regions }),
    results,
    errors,
    notes,
  };
}
