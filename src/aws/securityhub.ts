import { BatchUpdateFindingsCommand, DescribeHubCommand, GetAdministratorAccountCommand, paginateGetFindings } from '@aws-sdk/client-securityhub';
import type { AwsSecurityFinding, AwsSecurityFindingFilters, SecurityHubClient, StringFilter } from '@aws-sdk/client-securityhub';
import type { Limit } from '../util/limit.js';
import type { Permission } from './permissions.js';
import { isSecurityHubNotEnabled, toReadError } from './errors.js';
import type { ReadError, Severity } from './resources.js';

/** The part of an ASFF finding the audit uses (kept small: a page is dropped as soon as it is mapped). */
export interface SecurityHubFinding {
  id: string;
  productArn: string;
  controlId: string;
  /** `Resources[0].Id`, usually the resource ARN (notebook ARNs are lower-cased by AWS). */
  resourceId: string;
  resourceType: string | undefined;
  accountId: string;
  region: string;
  severity: Severity | undefined;
  workflowStatus: string;
  updatedAt: string | undefined;
}

/** The audit's Security Hub reads in each account: findings, how they are generated, and whose hub holds them. */
export const SECURITY_HUB_READS: Permission = {
  actions: ['securityhub:GetFindings', 'securityhub:DescribeHub', 'securityhub:GetAdministratorAccount'],
  resources: [{ type: 'security-hub' }],
};

/** SECURITYHUB_SYNC: accepted risks set their findings' workflow status (SUPPRESSED, back to NEW). */
export const SECURITY_HUB_SYNC: Permission = {
  actions: ['securityhub:BatchUpdateFindings'],
  resources: [{ type: 'security-hub' }],
  why: 'SECURITYHUB_SYNC=true: an accepted risk suppresses its findings, and sets them back to NEW when it ends',
};

export interface FindingsRead {
  /** False when Security Hub is not enabled in the account/region (a note for the report, not an error). */
  enabled: boolean;
  findings: SecurityHubFinding[];
  /** GetFindings calls sent. */
  pages: number;
  error?: ReadError;
}

export interface ReadFindingsOptions {
  accountId: string;
  region: string;
  /** Exact control ids; omitted or more than 20 → prefix `SageMaker.` (a filter takes at most 20 values). */
  controlIds?: readonly string[];
  /** Default NEW + NOTIFIED: failing and not accepted. */
  workflowStatuses?: readonly string[];
  limit?: Limit;
}

export const FINDINGS_PAGE_SIZE = 100;
const CONTROL_PREFIX = 'SageMaker.';
const SEVERITIES = new Set<string>(['LOW', 'MEDIUM', 'HIGH', 'CRITICAL']);

const eq = (Value: string): StringFilter => ({ Comparison: 'EQUALS', Value });

/** Filters for the failing, active, not-yet-accepted findings of the SageMaker controls, plus account and region so an aggregating home region does not return linked regions' findings twice. */
export function findingFilters(o: ReadFindingsOptions): AwsSecurityFindingFilters {
  const ids = o.controlIds;
  return {
    ComplianceSecurityControlId:
      ids && ids.length > 0 && ids.length <= 20 ? ids.map(eq) : [{ Comparison: 'PREFIX', Value: CONTROL_PREFIX }],
    ComplianceStatus: [eq('FAILED')],
    RecordState: [eq('ACTIVE')],
    WorkflowStatus: (o.workflowStatuses ?? ['NEW', 'NOTIFIED']).map(eq),
    ProductName: [eq('Security Hub')],
    AwsAccountId: [eq(o.accountId)],
    Region: [eq(o.region)],
  };
}

function toFinding(f: AwsSecurityFinding): SecurityHubFinding | undefined {
  const controlId = f.Compliance?.SecurityControlId;
  const resource = f.Resources?.[0];
  if (!controlId?.startsWith(CONTROL_PREFIX) || !resource?.Id || !f.Id || !f.ProductArn) return undefined;
  const label = f.Severity?.Label;
  return {
    id: f.Id,
    productArn: f.ProductArn,
    controlId,
    resourceId: resource.Id,
    resourceType: resource.Type,
    accountId: f.AwsAccountId ?? '',
    region: f.Region ?? resource.Region ?? '',
    severity: label && SEVERITIES.has(label) ? (label as Severity) : undefined,
    workflowStatus: f.Workflow?.Status ?? 'NEW',
    updatedAt: f.UpdatedAt,
  };
}

export function findingKey(f: Pick<SecurityHubFinding, 'controlId' | 'resourceId' | 'accountId' | 'region'>): string {
  return `${f.controlId}|${f.resourceId.toLowerCase()}|${f.accountId}|${f.region}`;
}

/**
 * One finding per (SecurityControlId, Resources[0].Id lower-cased, AwsAccountId, Region): with STANDARD_CONTROL
 * generation an account gets one finding per standard. The most recently updated one is kept.
 */
export function dedupeFindings(findings: Iterable<SecurityHubFinding>): SecurityHubFinding[] {
  const byKey = new Map<string, SecurityHubFinding>();
  for (const f of findings) {
    const key = findingKey(f);
    const seen = byKey.get(key);
    if (!seen || (f.updatedAt ?? '') > (seen.updatedAt ?? '')) byKey.set(key, f);
  }
  return [...byKey.values()];
}

/**
 * ACTIVE FAILED Security Hub findings of the SageMaker controls in one account+region, 100 per page.
 * Security Hub not enabled → `enabled: false` and no error.
 */
export async function readFailedFindings(client: SecurityHubClient, o: ReadFindingsOptions): Promise<FindingsRead> {
  const found: SecurityHubFinding[] = [];
  let pages = 0;
  const iterator = paginateGetFindings({ client, pageSize: FINDINGS_PAGE_SIZE }, { Filters: findingFilters(o) })[Symbol.asyncIterator]();
  const run = o.limit ?? (<T>(fn: () => Promise<T>) => fn());
  try {
    for (;;) {
      const next = await run(async () => {
        const r = await iterator.next();
        if (!r.done) pages++;
        return r;
      });
      if (next.done) break;
      for (const raw of next.value.Findings ?? []) {
        const f = toFinding(raw);
        if (!f) continue;
        // Keep only this target's findings even if the service ignored a filter.
        if ((f.accountId !== '' && f.accountId !== o.accountId) || (f.region !== '' && f.region !== o.region)) continue;
        if (o.controlIds && o.controlIds.length > 0 && !o.controlIds.includes(f.controlId)) continue;
        found.push({ ...f, accountId: f.accountId || o.accountId, region: f.region || o.region });
      }
    }
  } catch (err) {
    pages++;
    if (isSecurityHubNotEnabled(err)) return { enabled: false, findings: [], pages };
    return { enabled: true, findings: dedupeFindings(found), pages, error: toReadError(err, { accountId: o.accountId, region: o.region, service: 'securityhub', operation: 'securityhub:GetFindings' }) };
  }
  return { enabled: true, findings: dedupeFindings(found), pages };
}

/**
 * Whether the hub here makes one finding per control (`SECURITY_CONTROL`) or one per standard (`STANDARD_CONTROL`).
 * With per-standard findings the SecurityControlId filter can miss SageMaker findings. Undefined when it cannot tell.
 */
export async function readControlFindingGenerator(client: SecurityHubClient): Promise<string | undefined> {
  try {
    return (await client.send(new DescribeHubCommand({}))).ControlFindingGenerator;
  } catch {
    return undefined; // a hint only: GetFindings has already said whether Security Hub answers here
  }
}

/**
 * The Security Hub administrator of this account and region, if it is a member (undefined when it is standalone or an
 * administrator itself, or when that cannot be read). A member's hub holds its own findings only; the administrator's
 * holds its members' too.
 */
export async function readAdministrator(client: SecurityHubClient): Promise<string | undefined> {
  try {
    return (await client.send(new GetAdministratorAccountCommand({}))).Administrator?.AccountId;
  } catch {
    return undefined; // where the findings came from is a note; the findings themselves were read already
  }
}

/** The accepted (SUPPRESSED) ones, for reporting accepted risks. */
export function readSuppressedFindings(client: SecurityHubClient, o: Omit<ReadFindingsOptions, 'workflowStatuses'>): Promise<FindingsRead> {
  return readFailedFindings(client, { ...o, workflowStatuses: ['SUPPRESSED'] });
}

export interface FindingIdentifier {
  id: string;
  productArn: string;
}

export interface UnprocessedFinding extends FindingIdentifier {
  errorCode: string;
  errorMessage: string;
}

export const BATCH_UPDATE_LIMIT = 100;

/**
 * Sets the workflow status (and a note) on findings, 100 per BatchUpdateFindings call. Returns the ones Security
 * Hub did not process; a whole chunk that fails is returned as unprocessed with the error.
 */
export async function batchUpdateFindingsWorkflow(
  client: SecurityHubClient,
  identifiers: readonly FindingIdentifier[],
  status: 'NEW' | 'NOTIFIED' | 'RESOLVED' | 'SUPPRESSED',
  note: { text: string; updatedBy: string },
): Promise<{ processed: number; unprocessed: UnprocessedFinding[] }> {
  let processed = 0;
  const unprocessed: UnprocessedFinding[] = [];
  for (let i = 0; i < identifiers.length; i += BATCH_UPDATE_LIMIT) {
    const chunk = identifiers.slice(i, i + BATCH_UPDATE_LIMIT);
    try {
      const out = await client.send(
        new BatchUpdateFindingsCommand({
          FindingIdentifiers: chunk.map((c) => ({ Id: c.id, ProductArn: c.productArn })),
          Workflow: { Status: status },
          Note: { Text: note.text, UpdatedBy: note.updatedBy },
        }),
      );
      processed += out.ProcessedFindings?.length ?? 0;
      for (const u of out.UnprocessedFindings ?? []) {
        unprocessed.push({
          id: u.FindingIdentifier?.Id ?? '',
          productArn: u.FindingIdentifier?.ProductArn ?? '',
          errorCode: u.ErrorCode ?? 'Unknown',
          errorMessage: u.ErrorMessage ?? '',
        });
      }
    } catch (err) {
      const e = toReadError(err, { accountId: '', region: '', service: 'securityhub', operation: 'securityhub:BatchUpdateFindings' });
      for (const c of chunk) unprocessed.push({ ...c, errorCode: e.code, errorMessage: e.message });
    }
  }
  return { processed, unprocessed };
}
