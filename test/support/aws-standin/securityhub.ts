import { randomUUID } from 'node:crypto';
import type { CallContext, Handler, Json, SecurityHubMembership, Shared } from './context.js';
import { arr, clone, obj, str } from './context.js';
import { AwsError } from './errors.js';
import { paginate } from './pagination.js';
import type { Finding, RegionState } from './state.js';

const invalidInput = (message: string): AwsError => new AwsError('InvalidInputException', message, 400);

export function notSubscribed(ctx: { accountId: string }): AwsError {
  return new AwsError('InvalidAccessException', `Account ${ctx.accountId} is not subscribed to AWS Security Hub`, 401);
}

/** Filter name -> values of the finding it compares against (any value matching counts). */
const STRING_FIELDS: Record<string, (f: Finding) => Array<string | undefined>> = {
  Id: (f) => [f.Id],
  ProductArn: (f) => [f.ProductArn],
  ProductName: (f) => [f.ProductName],
  CompanyName: (f) => [f.CompanyName],
  GeneratorId: (f) => [f.GeneratorId],
  AwsAccountId: (f) => [f.AwsAccountId],
  Region: (f) => [f.Region],
  Title: (f) => [f.Title],
  Description: (f) => [f.Description],
  Type: (f) => f.Types,
  SeverityLabel: (f) => [f.Severity.Label],
  ComplianceStatus: (f) => [f.Compliance.Status],
  ComplianceSecurityControlId: (f) => [f.Compliance.SecurityControlId],
  ComplianceAssociatedStandardsId: (f) => (f.Compliance.AssociatedStandards ?? []).map((s) => s.StandardsId),
  RecordState: (f) => [f.RecordState],
  WorkflowStatus: (f) => [f.Workflow.Status],
  WorkflowState: (f) => [f.WorkflowState],
  ResourceId: (f) => f.Resources.map((r) => r.Id),
  ResourceType: (f) => f.Resources.map((r) => r.Type),
  ResourceRegion: (f) => f.Resources.map((r) => r.Region),
  ResourcePartition: (f) => f.Resources.map((r) => r.Partition),
  NoteText: (f) => [f.Note?.Text],
};
const DATE_FIELDS: Record<string, (f: Finding) => string | undefined> = {
  CreatedAt: (f) => f.CreatedAt,
  UpdatedAt: (f) => f.UpdatedAt,
  FirstObservedAt: (f) => f.FirstObservedAt,
  LastObservedAt: (f) => f.LastObservedAt,
};

const POSITIVE = new Set(['EQUALS', 'PREFIX', 'CONTAINS']);
const NEGATIVE = new Set(['NOT_EQUALS', 'PREFIX_NOT_EQUALS', 'NOT_CONTAINS']);

function compare(cmp: string, actual: string | undefined, value: string): boolean {
  const a = actual ?? '';
  switch (cmp) {
    case 'EQUALS':
      return actual !== undefined && a === value;
    case 'PREFIX':
      return actual !== undefined && a.startsWith(value);
    case 'CONTAINS':
      return actual !== undefined && a.includes(value);
    case 'NOT_EQUALS':
      return a !== value;
    case 'PREFIX_NOT_EQUALS':
      return !a.startsWith(value);
    case 'NOT_CONTAINS':
      return !a.includes(value);
    default:
      throw invalidInput(`Invalid comparison ${cmp}`);
  }
}

/**
 * AWS semantics: per attribute, positive filters (EQUALS/PREFIX/CONTAINS) are OR'ed, negative ones AND'ed, and the
 * two groups AND'ed; different attributes are AND'ed.
 */
function buildPredicate(filters: Json | undefined): (f: Finding) => boolean {
  if (!filters) return () => true;
  const names = Object.keys(filters).filter((k) => arr(filters[k]).length > 0);
  if (names.length > 10) throw invalidInput('You can filter by up to 10 finding attributes.');
  const tests: Array<(f: Finding) => boolean> = [];
  for (const name of names) {
    const list = arr(filters[name]).map((x) => obj(x) ?? {});
    if (list.length > 20) throw invalidInput(`Too many filter values for ${name}: the limit is 20.`);
    const strField = STRING_FIELDS[name];
    const dateField = DATE_FIELDS[name];
    if (strField) {
      const pos = list.filter((c) => POSITIVE.has(String(c.Comparison)));
      const neg = list.filter((c) => NEGATIVE.has(String(c.Comparison)));
      for (const c of list) if (!POSITIVE.has(String(c.Comparison)) && !NEGATIVE.has(String(c.Comparison))) throw invalidInput(`Invalid comparison ${String(c.Comparison)} for ${name}`);
      tests.push((f) => {
        const values = strField(f);
        const posOk = pos.length === 0 || pos.some((c) => values.some((v) => compare(String(c.Comparison), v, String(c.Value))));
        const negOk = neg.every((c) => values.every((v) => compare(String(c.Comparison), v, String(c.Value))));
        return posOk && negOk;
      });
    } else if (dateField) {
      tests.push((f) => {
        const v = dateField(f);
        if (!v) return false;
        const t = Date.parse(v);
        return list.some((c) => {
          const start = str(c.Start);
          const end = str(c.End);
          const range = obj(c.DateRange);
          if (range) return t >= Date.now() - Number(range.Value) * 86_400_000;
          return (!start || t >= Date.parse(start)) && (!end || t <= Date.parse(end));
        });
      });
    } else {
      throw invalidInput(`Unsupported filter attribute ${name} (the stand-in supports: ${[...Object.keys(STRING_FIELDS), ...Object.keys(DATE_FIELDS)].join(', ')})`);
    }
  }
  return (f) => tests.every((t) => t(f));
}

function hub(ctx: CallContext): RegionState['securityHub'] {
  const h = ctx.state.securityHub;
  if (!h.enabled) throw notSubscribed(ctx);
  return h;
}

function membershipOf(shared: Shared, accountId: string, region: string): SecurityHubMembership | undefined {
  const m = shared.securityHubMembers.get(accountId);
  return m && (!m.regions || m.regions.has(region)) ? m : undefined;
}

/** A member sees its own findings; an administrator also sees those of its members in the same Region. */
function visibleFindings(ctx: CallContext): Finding[] {
  const own = hub(ctx).findings;
  const members = [...ctx.shared.securityHubMembers.keys()].filter((id) => membershipOf(ctx.shared, id, ctx.region)?.administratorId === ctx.accountId);
  if (members.length === 0) return own;
  const theirs = members.map((id) => ctx.shared.state.get(id, ctx.region).securityHub).filter((h) => h.enabled);
  return [...own, ...theirs.flatMap((h) => h.findings)];
}

/**
 * Make `administratorId` the Security Hub administrator of exactly `memberIds` (in `regions`, default all). An
 * account cannot be an administrator and a member at once.
 */
export function setAdministrator(shared: Shared, administratorId: string, memberIds: string[], regions: string[] | undefined, now: number): void {
  const administrators = new Set([...shared.securityHubMembers.values()].map((m) => m.administratorId));
  if (memberIds.includes(administratorId)) throw new Error(`stand-in: ${administratorId} cannot be its own Security Hub member`);
  if (shared.securityHubMembers.has(administratorId)) throw new Error(`stand-in: ${administratorId} is a Security Hub member and cannot be an administrator`);
  for (const id of memberIds) if (administrators.has(id)) throw new Error(`stand-in: ${id} is a Security Hub administrator and cannot be a member`);
  for (const [member, m] of shared.securityHubMembers) if (m.administratorId === administratorId) shared.securityHubMembers.delete(member);
  for (const id of memberIds) {
    shared.securityHubMembers.set(id, { administratorId, regions: regions ? new Set(regions) : undefined, invitationId: randomUUID(), invitedAt: new Date(now).toISOString() });
  }
}

export const securityHubHandlers: Record<string, Handler> = {
  GetFindings(ctx, input) {
    const predicate = buildPredicate(obj(input.Filters));
    let found = visibleFindings(ctx).filter(predicate);
    const sort = arr(input.SortCriteria).map((s) => obj(s) ?? {});
    if (sort.length > 0) {
      found = [...found].sort((a, b) => {
        for (const s of sort) {
          const field = String(s.Field);
          const av = String(a[field] ?? '');
          const bv = String(b[field] ?? '');
          if (av !== bv) return (av < bv ? -1 : 1) * (s.SortOrder === 'desc' ? -1 : 1);
        }
        return 0;
      });
    }
    const { page, nextToken } = paginate(found, input, { operation: 'GetFindings', defaultMax: 100, max: 100, invalid: invalidInput, maxName: 'MaxResults' });
    const out: Json = { Findings: clone(page) };
    if (nextToken) out.NextToken = nextToken;
    return out;
  },
  BatchUpdateFindings(ctx, input) {
    const findings = visibleFindings(ctx);
    const ids = arr(input.FindingIdentifiers).map((x) => obj(x) ?? {});
    if (ids.length === 0) throw invalidInput('FindingIdentifiers must contain at least 1 item');
    if (ids.length > 100) throw invalidInput('FindingIdentifiers can contain at most 100 items');
    const note = obj(input.Note);
    if (note && (!str(note.Text) || !str(note.UpdatedBy))) throw invalidInput('Note.Text and Note.UpdatedBy are both required');
    const workflow = obj(input.Workflow);
    const status = str(workflow?.Status);
    if (status && !['NEW', 'NOTIFIED', 'RESOLVED', 'SUPPRESSED'].includes(status)) throw invalidInput(`Invalid Workflow.Status ${status}`);
    const processed: Json[] = [];
    const unprocessed: Json[] = [];
    for (const id of ids) {
      const f = findings.find((x) => x.Id === id.Id && x.ProductArn === id.ProductArn);
      if (!f) {
        unprocessed.push({ FindingIdentifier: { Id: id.Id, ProductArn: id.ProductArn }, ErrorCode: 'FindingNotFound', ErrorMessage: 'Finding Not Found' });
        continue;
      }
      if (status) {
        f.Workflow = { Status: status };
        f.WorkflowState = status === 'RESOLVED' ? 'RESOLVED' : status === 'SUPPRESSED' ? 'DEFERRED' : status === 'NOTIFIED' ? 'ASSIGNED' : 'NEW';
      }
      if (note) f.Note = { Text: String(note.Text), UpdatedBy: String(note.UpdatedBy), UpdatedAt: new Date(ctx.now).toISOString() };
      const severity = obj(input.Severity);
      if (severity?.Label) f.Severity = { ...f.Severity, Label: String(severity.Label) };
      if (input.UserDefinedFields) f.UserDefinedFields = clone(input.UserDefinedFields);
      if (input.VerificationState) f.VerificationState = input.VerificationState;
      // BatchUpdateFindings does not change UpdatedAt (AWS docs).
      processed.push({ Id: f.Id, ProductArn: f.ProductArn });
      ctx.shared.events.findingImported(f);
    }
    return { ProcessedFindings: processed, UnprocessedFindings: unprocessed };
  },
  DescribeHub(ctx) {
    const h = hub(ctx);
    const hubArn = ctx.query.get('HubArn');
    const own = `arn:aws:securityhub:${ctx.region}:${ctx.accountId}:hub/default`;
    if (hubArn && hubArn !== own) throw new AwsError('InvalidInputException', `Invalid hub ARN ${hubArn}`, 400);
    return { HubArn: own, SubscribedAt: h.subscribedAt, AutoEnableControls: h.autoEnableControls, ControlFindingGenerator: h.controlFindingGenerator };
  },
  EnableSecurityHub(ctx) {
    const h = ctx.state.securityHub;
    if (h.enabled) throw new AwsError('ResourceConflictException', `Account ${ctx.accountId} is already subscribed to Security Hub`, 409);
    h.enabled = true;
    h.subscribedAt = new Date(ctx.now).toISOString();
    return {};
  },
  /** A member account learns its administrator; any other account gets an empty answer. */
  GetAdministratorAccount(ctx) {
    hub(ctx);
    const m = membershipOf(ctx.shared, ctx.accountId, ctx.region);
    if (!m) return {};
    return { Administrator: { AccountId: m.administratorId, InvitationId: m.invitationId, InvitedAt: m.invitedAt, MemberStatus: 'Enabled' } };
  },
  DisableSecurityHub(ctx) {
    hub(ctx).enabled = false;
    return {};
  },
};

/* ------------------------------------------------------------------ test-side finding builder */

export interface ControlFindingInput {
  accountId: string;
  region: string;
  controlId: string;
  resourceArn: string;
  /** ASFF resource type; defaults from the ARN (AwsSageMakerNotebookInstance for notebooks, Other otherwise). */
  resourceType?: string;
  status?: 'PASSED' | 'FAILED' | 'WARNING' | 'NOT_AVAILABLE';
  workflowStatus?: 'NEW' | 'NOTIFIED' | 'RESOLVED' | 'SUPPRESSED';
  recordState?: 'ACTIVE' | 'ARCHIVED';
  severity?: 'INFORMATIONAL' | 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';
  title?: string;
  updatedAt?: string;
  id?: string;
}

const NORMALIZED: Record<string, number> = { INFORMATIONAL: 0, LOW: 1, MEDIUM: 40, HIGH: 70, CRITICAL: 90 };

/** A consolidated (SECURITY_CONTROL) Security Hub control finding in ASFF. */
export function makeControlFinding(i: ControlFindingInput): Finding {
  const now = i.updatedAt ?? new Date().toISOString();
  const severity = i.severity ?? 'MEDIUM';
  const status = i.status ?? 'FAILED';
  const resourceType = i.resourceType ?? (/:notebook-instance\//.test(i.resourceArn) ? 'AwsSageMakerNotebookInstance' : 'Other');
  return {
    SchemaVersion: '2018-10-08',
    Id: i.id ?? `arn:aws:securityhub:${i.region}:${i.accountId}:security-control/${i.controlId}/finding/${randomUUID()}`,
    ProductArn: `arn:aws:securityhub:${i.region}::product/aws/securityhub`,
    ProductName: 'Security Hub',
    CompanyName: 'AWS',
    GeneratorId: `security-control/${i.controlId}`,
    AwsAccountId: i.accountId,
    Region: i.region,
    Types: ['Software and Configuration Checks/Industry and Regulatory Standards'],
    CreatedAt: now,
    UpdatedAt: now,
    FirstObservedAt: now,
    LastObservedAt: now,
    Severity: { Label: severity, Normalized: NORMALIZED[severity], Original: severity },
    Title: i.title ?? `${i.controlId} control check`,
    Description: `This control checks ${i.controlId}.`,
    Remediation: { Recommendation: { Text: 'For information on how to correct this issue, consult the AWS Security Hub controls documentation.', Url: `https://docs.aws.amazon.com/console/securityhub/${i.controlId}/remediation` } },
    ProductFields: { RelatedAWSResources: '', 'aws/securityhub/ProductName': 'Security Hub', 'aws/securityhub/CompanyName': 'AWS' },
    Resources: [{ Id: i.resourceArn, Type: resourceType, Partition: 'aws', Region: i.region }],
    Compliance: {
      Status: status,
      SecurityControlId: i.controlId,
      AssociatedStandards: [{ StandardsId: 'standards/aws-foundational-security-best-practices/v/1.0.0' }],
    },
    WorkflowState: 'NEW',
    Workflow: { Status: i.workflowStatus ?? 'NEW' },
    RecordState: i.recordState ?? 'ACTIVE',
  };
}
