import type { EventBus } from './events.js';
import type { Iam } from './iam.js';
import type { SqsBackend } from './sqs.js';
import type { RegionState, StandinState } from './state.js';

export type Service = 'sagemaker' | 'securityhub' | 'sts' | 'organizations' | 'sqs' | 'tagging' | 'account';

export type Json = Record<string, unknown>;

/** Delays (ms) of the asynchronous state transitions. */
export interface TransitionDelays {
  notebookPending: number;
  notebookStopping: number;
  notebookUpdating: number;
  notebookDeleting: number;
  endpointCreating: number;
  endpointUpdating: number;
  endpointDeleting: number;
  schedulePending: number;
}

export interface Organization {
  managementAccountId: string;
  organizationId?: string;
  accounts: Array<{ Id: string; Name?: string; Email?: string; Status?: 'ACTIVE' | 'SUSPENDED' | 'PENDING_CLOSURE' }>;
  /** AWS Account Management in the organization: trusted access (off unless enabled, as in AWS) and its delegated administrator. */
  accountManagement?: { trustedAccess: boolean; delegatedAdministrator?: string };
}

export interface StsSession {
  accountId: string;
  /** arn:aws:sts::ACCT:assumed-role/ROLE/SESSION */
  arn: string;
  /** ROLEID:SESSION */
  userId: string;
  /** The assumed role's own ARN (with path). */
  roleArn: string;
  roleId: string;
  issuedAt: number;
  /** Set once per chain; later sessions inherit it. */
  sourceIdentity?: string;
}

/** A Security Hub member account's association with its administrator account. */
export interface SecurityHubMembership {
  administratorId: string;
  /** Regions where the association exists (it is made per Region); undefined = every Region. */
  regions?: ReadonlySet<string>;
  invitationId: string;
  invitedAt: string;
}

/** Shared, mutable pieces the handlers need beyond the caller's own region state. */
export interface Shared {
  state: StandinState;
  delays: TransitionDelays;
  sessions: Map<string, StsSession>;
  unassumableRoles: Set<string>;
  iam: Iam;
  sqs: SqsBackend;
  events: EventBus;
  organization?: Organization;
  /** Member account id -> its Security Hub administrator. */
  securityHubMembers: Map<string, SecurityHubMembership>;
  nextSessionSeq: () => number;
}

export interface CallContext {
  service: Service;
  operation: string;
  accountId: string;
  region: string;
  accessKeyId: string;
  callerArn: string;
  /** The caller's account/region state. */
  state: RegionState;
  now: number;
  shared: Shared;
  /** restJson: query string parameters. */
  query: URLSearchParams;
}

export type Handler = (ctx: CallContext, input: Json) => Json;

export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
export const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
export const obj = (v: unknown): Json | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined);
export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
/** awsJson timestamps are epoch seconds. */
export const epoch = (ms: number): number => ms / 1000;
export const clone = <T>(v: T): T => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T));
/** Append, dropping the oldest entries past `max`: long benchmark runs must not grow the stand-in without bound. */
export function pushBounded<T>(list: T[], item: T, max = 10_000): void {
  list.push(item);
  if (list.length > max) list.splice(0, list.length - max);
}
