import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { readTags } from './inventory.js';
import { kindOf } from './kinds/index.js';
import type { EvidenceNeed, ResourceKind, ResourceRef, ResourceSnapshot } from './resources.js';

/**
 * Re-reads ONE resource into a ResourceSnapshot with the inventory's own readers, so that the configuration
 * fingerprint of a fresh read equals the audit's when nothing changed. Used by the remediation's safety gates
 * (drift, already passing) and to verify a fix. Reads the Describe output and/or the tags as `evidence` says (what
 * the audit read for this kind). Errors are thrown, not collected: the caller decides.
 */
export async function readResource<K extends ResourceKind>(client: SageMakerClient, ref: ResourceRef<K>, evidence: EvidenceNeed): Promise<ResourceSnapshot<K>> {
  const snapshot: ResourceSnapshot<K> = { ref };
  const [detail, tags] = await Promise.all([
    evidence.describe ? kindOf(ref.kind).describe.call(client, ref.name) : Promise.resolve(undefined),
    evidence.tags ? readTags(client, ref.arn) : Promise.resolve(undefined),
  ]);
  if (detail !== undefined) snapshot.detail = detail;
  if (tags !== undefined) snapshot.tags = tags;
  return snapshot;
}
