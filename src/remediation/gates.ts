import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { errorCode, errorMessage, isAccessDenied } from '../aws/errors.js';
import { configurationFingerprint } from '../aws/fingerprint.js';
import { needsFor } from '../aws/inventory.js';
import { KINDS, arnFor } from '../aws/kinds/index.js';
import { sagemakerPermissions } from '../aws/permissions.js';
import type { Permission } from '../aws/permissions.js';
import { readResource } from '../aws/read-resource.js';
import type { ResourceKind, ResourceSnapshot } from '../aws/resources.js';
import type { ControlParameters } from '../config.js';
import { CONTROLS, evaluateControl } from '../controls/index.js';
import type { AnyControl } from '../controls/index.js';
import type { Evaluation } from '../controls/types.js';
import type { ResourcePlan } from '../plans/merge.js';
import { isNotFound } from '../aws/errors.js';
import { RemediationError, isRetryableAwsError } from './errors.js';
import { notebookFailedMessage } from './operations/notebook/notebook.js';
import { resourceOf, type Proposal, type ProposalResource } from './proposals.js';

/**
 * The checks before a remediation's first step, and the re-read that verifies it: the resource is read fresh with
 * the inventory's own readers (so its fingerprint equals the audit's when nothing changed) and every control the
 * plan claims evaluated again. A check that fails stops the plan with a GateStop: `no-change` when the resource is already compliant,
 * `failed` otherwise.
 */
export class GateStop extends Error {
  constructor(
    message: string,
    readonly outcome: 'failed' | 'no-change',
  ) {
    super(message);
    this.name = 'GateStop';
  }
}

/** What the audit read for each kind: the same evidence is read again, so fingerprints compare like for like. */
const EVIDENCE = needsFor(CONTROLS);

/** What the gates and the verification read: the audit's evidence of each kind an automated plan fixes. */
export function gatePermissions(): Permission[] {
  const kinds = new Set(CONTROLS.filter((c) => c.metadata.remediation !== 'manual').map((c) => c.metadata.resourceKind));
  return [...kinds].flatMap((kind) => {
    const need = EVIDENCE[kind] ?? { describe: true, tags: false };
    return sagemakerPermissions([...(need.describe ? [KINDS[kind].describe.operation] : []), ...(need.tags ? ['ListTags'] : [])], [kind]);
  });
}

/** The resource the verification reads: the audited one, or the compliant copy a recreate plan names. */
export function verifiedResource(plan: ResourcePlan, r: ProposalResource): { name: string; arn: string } {
  const name = plan.verify.resourceName;
  if (name === undefined || name === r.resourceName) return { name: r.resourceName, arn: r.resourceArn };
  return { name, arn: arnFor(r.resourceKind, name, r.accountId, r.region) };
}

/** Reads the resource again; a resource that is gone or cannot be read stops the plan (retryable errors are rethrown). */
export async function readFresh(client: SageMakerClient, r: ProposalResource, target: { name: string; arn: string }): Promise<ResourceSnapshot> {
  const kind: ResourceKind = r.resourceKind;
  try {
    return await readResource(client, { kind, arn: target.arn, name: target.name, accountId: r.accountId, region: r.region }, EVIDENCE[kind] ?? { describe: true, tags: false });
  } catch (err) {
    if (isNotFound(err)) throw new GateStop(`${target.name} no longer exists (${errorCode(err)}: ${errorMessage(err)})`, 'failed');
    if (isRetryableAwsError(err)) throw new RemediationError(`re-reading ${target.name} failed: ${errorCode(err)}: ${errorMessage(err)}`, errorCode(err), true);
    const access = isAccessDenied(err) ? ' The remediation role cannot read it.' : '';
    throw new GateStop(`re-reading ${target.name} failed: ${errorCode(err)}: ${errorMessage(err)}.${access}`, 'failed');
  }
}

/** The audit's fingerprint depends on the evidence it read for the kind; compare with each shape that could be. */
export function fingerprintMatches(expected: string, snapshot: ResourceSnapshot): boolean {
  if (!expected) return false;
  const kind = snapshot.ref.kind;
  const candidates = [configurationFingerprint(kind, snapshot.detail, snapshot.tags)];
  if (snapshot.tags !== undefined && snapshot.detail !== undefined) {
    candidates.push(configurationFingerprint(kind, snapshot.detail, undefined), configurationFingerprint(kind, undefined, snapshot.tags));
  }
  return candidates.includes(expected);
}

/** The resource's lifecycle state (InService, Stopped…), for kinds that have one. */
export function resourceStatus(snapshot: ResourceSnapshot): string | undefined {
  const field = KINDS[snapshot.ref.kind].statusField;
  const status = field ? (snapshot.detail as Record<string, unknown> | undefined)?.[field] : undefined;
  return typeof status === 'string' ? status : undefined;
}

/** Each control evaluated on one snapshot. */
export function evaluateAll(controls: readonly AnyControl[], snapshot: ResourceSnapshot, params: ControlParameters): { control: AnyControl; evaluation: Evaluation }[] {
  return controls.map((control) => ({ control, evaluation: evaluateControl(control, snapshot, params) }));
}

/** "SageMaker.3: reason SageMaker.8: reason", or the one reason when there is one control. */
export function reasonsOf(verdicts: readonly { control: AnyControl; evaluation: Evaluation }[]): string {
  return verdicts.length === 1 ? verdicts[0]!.evaluation.reason : verdicts.map((v) => `${v.control.metadata.id}: ${v.evaluation.reason}`).join(' ');
}

/**
 * The safety gates, once before the first step, over every control the plan claims: all already PASSED → no change;
 * configuration changed since the audit (drift) → stop; a Failed notebook or a state outside the plan's allowed
 * states → stop; any claimed control not FAILED any more → stop (the next audit proposes what is left).
 */
export async function checkGates(input: {
  client: SageMakerClient;
  proposal: Proposal;
  controls: readonly AnyControl[];
  params: ControlParameters;
}): Promise<Evaluation[]> {
  const { proposal, controls } = input;
  const r = resourceOf(proposal);
  const plan = proposal.plan;
  const snapshot = await readFresh(input.client, r, { name: r.resourceName, arn: r.resourceArn });
  const verdicts = evaluateAll(controls, snapshot, input.params);
  if (verdicts.every((v) => v.evaluation.status === 'PASSED')) throw new GateStop(reasonsOf(verdicts), 'no-change');
  if (!fingerprintMatches(proposal.fingerprint, snapshot)) throw new GateStop('resource changed since the audit; run /sagemaker-audit again', 'failed');
  const status = resourceStatus(snapshot);
  if (status === 'Failed' && r.resourceKind === 'notebook-instance') {
    throw new GateStop(notebookFailedMessage(r.resourceName, (snapshot.detail as { FailureReason?: string } | undefined)?.FailureReason), 'failed');
  }
  if (plan.allowedStates.length > 0 && status !== undefined && !plan.allowedStates.includes(status)) {
    throw new GateStop(`${r.resourceName} is ${status}; the plan may only start from ${plan.allowedStates.join(', ')}`, 'failed');
  }
  const moved = verdicts.filter((v) => v.evaluation.status !== 'FAILED');
  if (moved.length > 0) {
    throw new GateStop(`${moved.map((v) => `${v.control.metadata.id} now evaluates ${v.evaluation.status}: ${v.evaluation.reason}`).join(' ')} Run /sagemaker-audit again.`, 'failed');
  }
  return verdicts.map((v) => v.evaluation);
}
