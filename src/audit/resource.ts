import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { isNotFound } from '../aws/errors.js';
import { configurationFingerprint } from '../aws/fingerprint.js';
import { needsFor } from '../aws/inventory.js';
import { JOB_DEFINITIONS, arnFor } from '../aws/kinds/index.js';
import { readResource } from '../aws/read-resource.js';
import type { ResourceRef } from '../aws/resources.js';
import type { AuditConfig } from '../config.js';
import { CONTROLS, type AnyControl } from '../controls/index.js';
import { evaluateSnapshot } from './evaluate.js';
import type { AuditResult } from './report.js';

/**
 * The targeted audit of one changed resource: one Describe (and ListTags where its controls, routing or approval
 * rules need tags) instead of listing the account, then every control of its kind. A monitoring schedule that names
 * a job definition brings that definition along (its controls judge what the schedule runs). A resource that no
 * longer exists is reported as not found; any other error is thrown (the job retries).
 */
export interface TargetedRead {
  ref: ResourceRef;
  found: boolean;
  results: AuditResult[];
  /** Read when `withTags` asked for them or the controls need them; null otherwise. */
  tags: Record<string, string> | null;
}

export async function auditResource(
  ref: ResourceRef,
  ctx: { sagemaker: SageMakerClient; config: AuditConfig; withTags: boolean; catalog?: readonly AnyControl[] },
): Promise<TargetedRead[]> {
  const controls = (ctx.catalog ?? CONTROLS).filter((c) => c.metadata.resourceKind === ref.kind);
  const evidence = needsFor(controls)[ref.kind] ?? { describe: true, tags: false };
  let snapshot;
  try {
    // Always Describe: it tells whether the resource still exists, even for controls that read only tags.
    snapshot = await readResource(ctx.sagemaker, ref, { describe: true, tags: evidence.tags || ctx.withTags });
  } catch (err) {
    if (isNotFound(err)) return [{ ref, found: false, results: [], tags: null }];
    throw err;
  }
  // The fingerprint covers what the audit reads, so a proposal made by an audit and this read compare alike.
  const fingerprint = configurationFingerprint(ref.kind, evidence.describe ? snapshot.detail : undefined, evidence.tags ? snapshot.tags : undefined);
  const audited: TargetedRead = {
    ref,
    found: true,
    results: evaluateSnapshot({ ...snapshot, ...(evidence.describe ? {} : { detail: undefined }) }, controls, ctx.config, fingerprint),
    tags: snapshot.tags ?? null,
  };
  const named = ref.kind === 'monitoring-schedule' ? namedDefinition(ref, snapshot.detail) : undefined;
  return named ? [audited, ...(await auditResource(named, ctx))] : [audited];
}

/** The job definition a monitoring schedule names (instead of embedding one), as a ref. */
function namedDefinition(schedule: ResourceRef, detail: unknown): ResourceRef | undefined {
  const d = detail as { MonitoringType?: string; MonitoringScheduleConfig?: { MonitoringJobDefinitionName?: string; MonitoringType?: string } } | undefined;
  const name = d?.MonitoringScheduleConfig?.MonitoringJobDefinitionName;
  const type = d?.MonitoringScheduleConfig?.MonitoringType ?? d?.MonitoringType;
  const kind = Object.values(JOB_DEFINITIONS).find((k) => k.monitoringType === type)?.kind;
  if (!name || !kind) return undefined;
  return { kind, name, accountId: schedule.accountId, region: schedule.region, arn: arnFor(kind, name, schedule.accountId, schedule.region) };
}
