import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { describeResource, readTags } from './inventory.js';
import type { ResourceKind, ResourceRef, ResourceSnapshot } from './resources.js';

/**
 * Re-reads ONE resource into a ResourceSnapshot with the inventory's own readers, so that
 * `configurationFingerprint(detail, tags)` of a fresh read equals the audit's when nothing changed. Used by the
 * remediation worker for its safety gates (drift, already passing) and to verify a fix. Reads the Describe output
 * and/or the tags as `evidence` says (pass what the audit read for this kind, e.g. `evidenceFor(kind)` from
 * src/controls). Errors are thrown, not collected: the caller decides.
 */
export async function readResource<K extends ResourceKind>(
  client: SageMakerClient,
  ref: ResourceRef<K>,
  evidence: { describe: boolean; tags: boolean },
): Promise<ResourceSnapshot<K>> {
  const snapshot: ResourceSnapshot<K> = { ref };
  const [detail, tags] = await Promise.all([
    evidence.describe ? describeResource(client, ref.kind, ref.name) : Promise.resolve(undefined),
    evidence.tags ? readTags(client, ref.arn) : Promise.resolve(undefined),
  ]);
  if (detail !== undefined) snapshot.detail = detail;
  if (tags !== undefined) snapshot.tags = tags;
  return snapshot;
}
