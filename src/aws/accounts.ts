import { paginateListAccounts } from '@aws-sdk/client-organizations';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { mapLimit } from '../util/limit.js';
import type { AwsCredentialIdentityProvider, ClientFactory } from './clients.js';
import type { Permission } from './permissions.js';
import { AwsCallError, NoCredentialsError, errorCode, errorMessage, isCredentialsError, isRegionNotEnabledCode, toReadError } from './errors.js';
import type { AuditNote, ReadError } from './resources.js';
import { roleArnFor } from './arns.js';
import { isAccountId } from '../validation.js';

/** The app's own role: the audit role in each account (an audit, a digest, the accepted risks' Security Hub sync). */
export const ASSUME_AUDIT_ROLE: Permission = {
  actions: ['sts:AssumeRole'],
  resources: [{ type: 'member-role', role: 'audit' }],
  why: 'every read (audit, digest, accepted-risk sync) runs as the audit role in its account',
};

/** AUDIT_DISCOVER_ACCOUNTS / --discover-accounts (the management or a delegated administrator account only). */
export const DISCOVER_ACCOUNTS: Permission = {
  actions: ['organizations:ListAccounts'],
  resources: [{ type: 'any' }],
  why: 'AUDIT_DISCOVER_ACCOUNTS=true: the ACTIVE accounts of the organization are added to the audit',
};

/** One account × region to audit, with the credentials that reach it (undefined = the default chain). */
export interface AuditTarget {
  accountId: string;
  region: string;
  credentials?: AwsCredentialIdentityProvider;
}

export interface ResolveTargetsOptions {
  accounts: string[];
  regions: string[];
  /** Role name (→ arn:aws:iam::<id>:role/<name>) or ARN template containing `{accountId}`. */
  role?: string | undefined;
  /** STS ExternalId the role's trust policy requires, if any. */
  externalId?: string | undefined;
  discoverAccounts: boolean;
  factory: ClientFactory;
}

export interface ResolvedTargets {
  targets: AuditTarget[];
  /** Every account in scope, including those that could not be reached (they have an error). */
  accounts: string[];
  errors: ReadError[];
  notes: AuditNote[];
}

/** Region value used in ReadErrors that concern a whole account (AssumeRole) or the organization. */
export const ALL_REGIONS = '*';

/** The credentials' own account, from STS in the first of `regions` the account has enabled. */
async function callerAccount(factory: ClientFactory, regions: readonly string[]): Promise<string> {
  let lastError: unknown;
  for (const region of regions) {
    const sts = factory.sts({ region });
    try {
      const out = await sts.send(new GetCallerIdentityCommand({}));
      if (!out.Account) throw new Error('STS GetCallerIdentity returned no Account');
      return out.Account;
    } catch (err) {
      if (isCredentialsError(err)) throw new NoCredentialsError(errorMessage(err));
      if (!isRegionNotEnabledCode(errorCode(err))) throw new AwsCallError('sts:GetCallerIdentity', err);
      lastError = err;
    } finally {
      sts.destroy();
    }
  }
  throw new AwsCallError('sts:GetCallerIdentity', lastError);
}

async function discoverAccounts(factory: ClientFactory, region: string): Promise<string[]> {
  const client = factory.organizations({ region });
  try {
    const ids: string[] = [];
    for await (const page of paginateListAccounts({ client, pageSize: 20 }, {})) {
      for (const a of page.Accounts ?? []) {
        // `State` is the newer field; `Status` is deprecated but still returned.
        const state = (a as { State?: string }).State ?? a.Status;
        if (a.Id && state === 'ACTIVE') ids.push(a.Id);
      }
    }
    return ids;
  } finally {
    client.destroy();
  }
}

/**
 * Assumes the role once, up front (a failure is the account's error, not one per region or call), through STS in the
 * first audited region. STS answers RegionDisabledException when the account has not enabled that (opt-in) region:
 * the next region is tried, so one disabled region does not cost the account its other regions.
 */
async function assumeInFirstEnabledRegion(o: ResolveTargetsOptions, roleArn: string, assume: { externalId?: string }): Promise<AwsCredentialIdentityProvider> {
  let lastError: unknown;
  for (const region of o.regions) {
    const credentials = o.factory.assumeRole(roleArn, region, assume);
    try {
      await credentials();
      return credentials;
    } catch (err) {
      if (errorCode(err) !== 'RegionDisabledException') throw err;
      lastError = err;
    }
  }
  throw lastError;
}

/**
 * Resolves accounts × regions. A role that cannot be assumed puts an error on that account and never stops the
 * others. No accounts and no discovery → the caller's own account with the default credentials.
 * Throws NoCredentialsError when there are no credentials at all.
 */
export async function resolveTargets(o: ResolveTargetsOptions): Promise<ResolvedTargets> {
  const [homeRegion] = o.regions;
  if (homeRegion === undefined) throw new Error('no region: set --regions or AWS_REGION');
  const errors: ReadError[] = [];
  const notes: AuditNote[] = [];
  for (const id of o.accounts) if (!isAccountId(id)) throw new Error(`not a 12-digit account id: "${id}"`);

  let caller: string | undefined;
  const requested = new Set(o.accounts);
  if (o.discoverAccounts) {
    try {
      const found = await discoverAccounts(o.factory, homeRegion);
      for (const id of found) requested.add(id);
      notes.push({ message: `Organizations: ${found.length} active account(s) discovered.` });
    } catch (err) {
      if (isCredentialsError(err)) throw new NoCredentialsError(errorMessage(err));
      errors.push(toReadError(err, { accountId: ALL_REGIONS, region: homeRegion, service: 'organizations', operation: 'organizations:ListAccounts' }));
    }
  }
  if (requested.size === 0 || !o.role) {
    caller = await callerAccount(o.factory, o.regions);
    if (requested.size === 0) requested.add(caller);
  }

  const accounts = [...requested].sort();
  const assume = o.externalId !== undefined ? { externalId: o.externalId } : {};
  const reachable = await mapLimit(accounts, 8, async (accountId): Promise<AuditTarget[]> => {
    let credentials: AwsCredentialIdentityProvider | undefined;
    if (o.role) {
      const roleArn = roleArnFor(o.role, accountId, homeRegion);
      try {
        credentials = await assumeInFirstEnabledRegion(o, roleArn, assume);
      } catch (err) {
        if (isCredentialsError(err) && !/AssumeRole/i.test(errorMessage(err))) throw new NoCredentialsError(errorMessage(err));
        errors.push(toReadError(err, { accountId, region: ALL_REGIONS, service: 'sts', operation: `sts:AssumeRole ${roleArn}` }));
        return [];
      }
    } else if (accountId !== caller) {
      errors.push({
        accountId,
        region: ALL_REGIONS,
        operation: 'credentials',
        code: 'NoRoleForAccount',
        message: `account ${accountId} is not the credentials' own account (${caller ?? 'unknown'}); pass --role to assume a role in it`,
      });
      return [];
    }
    return o.regions.map((region) => (credentials ? { accountId, region, credentials } : { accountId, region }));
  });
  return { targets: reachable.flat(), accounts, errors, notes };
}
