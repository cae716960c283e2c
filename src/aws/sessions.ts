import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { roleArnFor } from './arns.js';
import { destroyClients } from './clients.js';
import type { AccountClients, ClientFactory } from './clients.js';
import type { Permission } from './permissions.js';

/**
 * The credentials of one approved fix. With REMEDIATION_ROLE, each fix assumes that role in the fix's own account,
 * as the approver: the session is named `<approver>-<proposal id>` and carries the approver as its source identity,
 * so CloudTrail in the member account shows, on every call of the fix (UpdateNotebookInstance,
 * CreateDataQualityJobDefinition…), which Slack user approved it. Without it, fixes use the audit's credentials.
 */

/** The app's own role: the remediation role, as the approver (sts:SetSourceIdentity). */
export const ASSUME_REMEDIATION_ROLE: Permission = {
  actions: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
  resources: [{ type: 'member-role', role: 'remediation' }],
  why: 'each approved fix assumes the remediation role in its account with the approver as source identity',
};

/** One approved fix, as its session needs it. */
export interface ApprovedFix {
  accountId: string;
  region: string;
  /** Slack user id of the approver. */
  approvedBy: string;
  proposalId: string;
}

/** Who CloudTrail shows making a fix's calls. */
export interface SessionIdentity {
  /** The role assumed; absent when fixes run with the audit's credentials. */
  roleArn?: string;
  sessionName?: string;
  sourceIdentity?: string;
}

export interface RemediationSession {
  sagemaker: SageMakerClient;
  identity: SessionIdentity;
  /** Assumes the role now, so a trust-policy problem is one clear error before the first step (no-op without a role). */
  ready(): Promise<void>;
  close(): void;
}

export interface RemediationSessions {
  (fix: ApprovedFix): RemediationSession;
  /** False when REMEDIATION_ROLE is unset and fixes use the audit's credentials. */
  readonly assumesRole: boolean;
}

/** STS's RoleSessionName and SourceIdentity: 2-64 characters of letters, digits and `_+=,.@-`. */
const STS_NAME = /^[\w+=,.@-]{2,64}$/;

/** `<approver>-<proposal id>`: other characters become `-`, cut to 64. */
export function remediationSessionName(fix: Pick<ApprovedFix, 'approvedBy' | 'proposalId'>): string {
  return `${fix.approvedBy}-${fix.proposalId}`.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
}

export class InvalidApproverError extends Error {
  readonly code = 'InvalidApprover';
  constructor(approvedBy: string) {
    super(`the approver "${approvedBy.slice(0, 80)}" cannot be an STS source identity (2-64 characters of letters, digits and _+=,.@-)`);
    this.name = 'InvalidApproverError';
  }
}

export function remediationSessions(
  factory: ClientFactory,
  o: { role: string | undefined; externalId?: string | undefined; audit: AccountClients },
): RemediationSessions {
  const { role, externalId, audit } = o;
  if (!role) {
    const shared = (fix: ApprovedFix): RemediationSession => ({
      // The audit's clients are shared and cached: the session does not close them.
      sagemaker: audit(fix.accountId, fix.region).sagemaker,
      identity: {},
      ready: async () => undefined,
      close: () => undefined,
    });
    return Object.assign(shared, { assumesRole: false });
  }
  const session = (fix: ApprovedFix): RemediationSession => {
    const roleArn = roleArnFor(role, fix.accountId, fix.region);
    const sessionName = remediationSessionName(fix);
    const sourceIdentity = fix.approvedBy;
    const credentials = factory.assumeRole(roleArn, fix.region, { sessionName, sourceIdentity, ...(externalId !== undefined ? { externalId } : {}) });
    const clients = factory.aws({ region: fix.region, credentials });
    return {
      sagemaker: clients.sagemaker,
      identity: { roleArn, sessionName, sourceIdentity },
      async ready() {
        if (!STS_NAME.test(sourceIdentity)) throw new InvalidApproverError(sourceIdentity);
        await credentials();
      },
      close: () => destroyClients(clients),
    };
  };
  return Object.assign(session, { assumesRole: true });
}
