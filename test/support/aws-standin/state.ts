/** In-memory state of the stand-in, one `RegionState` per account and region. */
import { isOptInRegion, isUsable } from './regions.js';
import type { RegionOptStatus } from './regions.js';

const defaultOptStatus = (region: string): RegionOptStatus => (isOptInRegion(region) ? 'DISABLED' : 'ENABLED_BY_DEFAULT');

export type SageMakerKind =
  | 'notebook-instance'
  | 'data-quality-job-definition'
  | 'model-quality-job-definition'
  | 'model-bias-job-definition'
  | 'model-explainability-job-definition'
  | 'monitoring-schedule'
  | 'model'
  | 'endpoint-config'
  | 'endpoint'
  | 'feature-group'
  | 'inference-experiment'
  | 'app-image-config'
  | 'image';

export interface Tag {
  Key: string;
  Value?: string;
}

/** A pending, time-based state change; applied lazily when the resource is next read. */
export interface Transition {
  at: number;
  apply: (r: StoredResource) => void;
}

export interface StoredResource {
  kind: SageMakerKind;
  name: string;
  arn: string;
  /** What the Create call sent (wire format, minus Tags), updated by Update calls. Full fidelity. */
  input: Record<string, unknown>;
  createdAt: number;
  modifiedAt: number;
  status?: string;
  failureReason?: string;
  transitions: Transition[];
  deleted?: boolean;
  /** Kind-specific extras (e.g. an endpoint's deployed variants and the deployment in progress). */
  extra: Record<string, unknown>;
}

/** ASFF finding as stored (wire JSON). Only the fields the stand-in filters on are typed. */
export interface Finding {
  SchemaVersion: string;
  Id: string;
  ProductArn: string;
  ProductName: string;
  CompanyName: string;
  GeneratorId: string;
  AwsAccountId: string;
  Region: string;
  Types: string[];
  CreatedAt: string;
  UpdatedAt: string;
  FirstObservedAt?: string;
  LastObservedAt?: string;
  Severity: { Label: string; Normalized?: number; Original?: string };
  Title: string;
  Description: string;
  Resources: Array<{ Id: string; Type: string; Region?: string; Partition?: string; Details?: unknown }>;
  Compliance: { Status: string; SecurityControlId?: string; AssociatedStandards?: Array<{ StandardsId: string }>; StatusReasons?: unknown[] };
  Workflow: { Status: string };
  WorkflowState?: string;
  RecordState: string;
  Note?: { Text: string; UpdatedBy: string; UpdatedAt: string };
  ProductFields?: Record<string, string>;
  Remediation?: { Recommendation?: { Text?: string; Url?: string } };
  [key: string]: unknown;
}

export interface SecurityHubState {
  enabled: boolean;
  subscribedAt: string;
  autoEnableControls: boolean;
  controlFindingGenerator: 'SECURITY_CONTROL' | 'STANDARD_CONTROL';
  findings: Finding[];
}

export class RegionState {
  /** Every call from this account/region answers AccessDeniedException (SageMaker, Security Hub, Organizations). */
  accessDenied = false;
  /** Operations (e.g. 'ListTags') that answer AccessDeniedException for this account/region. */
  readonly deniedOperations = new Set<string>();
  /** The account's opt-in status of this region (account:ListRegions); calls in a region not usable are refused. */
  optStatus: RegionOptStatus;
  readonly securityHub: SecurityHubState;
  readonly resources = new Map<SageMakerKind, Map<string, StoredResource>>();
  readonly tags = new Map<string, Tag[]>();
  /** Per-kind resource count quota: Create* beyond it answers ResourceLimitExceeded. */
  readonly quotas = new Map<SageMakerKind, number>();
  /** "<kind>/<name key>" -> CreationTime (ms) of its latest creation, kept across deletes. */
  readonly lastCreatedAt = new Map<string, number>();

  constructor(
    readonly accountId: string,
    readonly region: string,
    securityHubEnabled: boolean,
    now: number,
  ) {
    this.optStatus = defaultOptStatus(region);
    this.securityHub = {
      enabled: securityHubEnabled,
      subscribedAt: new Date(now).toISOString(),
      autoEnableControls: true,
      controlFindingGenerator: 'SECURITY_CONTROL',
      findings: [],
    };
  }

  /**
   * Region not usable by the account: every regional call answers UnrecognizedClientException (AssumeRole:
   * RegionDisabledException). Setting it sets `optStatus`; setting it on a default region makes that region DISABLED,
   * which AWS itself never does, for tests that need an unusable region anyway.
   */
  get regionDisabled(): boolean {
    return !isUsable(this.optStatus);
  }

  set regionDisabled(disabled: boolean) {
    this.optStatus = disabled ? 'DISABLED' : defaultOptStatus(this.region) === 'DISABLED' ? 'ENABLED' : 'ENABLED_BY_DEFAULT';
  }

  table(kind: SageMakerKind): Map<string, StoredResource> {
    let t = this.resources.get(kind);
    if (!t) {
      t = new Map();
      this.resources.set(kind, t);
    }
    return t;
  }
}

export class StandinState {
  private readonly regions = new Map<string, RegionState>();

  constructor(
    private readonly securityHubEnabledByDefault: boolean,
    private readonly now: () => number,
  ) {}

  /** The state of one account and region (created on first use). */
  get(accountId: string, region: string): RegionState {
    const key = `${accountId}/${region}`;
    let s = this.regions.get(key);
    if (!s) {
      s = new RegionState(accountId, region, this.securityHubEnabledByDefault, this.now());
      this.regions.set(key, s);
    }
    return s;
  }

  /** The account's opt-in status of a region, without creating its state. */
  optStatus(accountId: string, region: string): RegionOptStatus {
    return this.regions.get(`${accountId}/${region}`)?.optStatus ?? defaultOptStatus(region);
  }

  all(): RegionState[] {
    return [...this.regions.values()];
  }

  clear(): void {
    this.regions.clear();
  }
}
