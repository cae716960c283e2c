import {
  DescribeAppImageConfigCommand,
  DescribeDataQualityJobDefinitionCommand,
  DescribeEndpointConfigCommand,
  DescribeFeatureGroupCommand,
  DescribeImageCommand,
  DescribeInferenceExperimentCommand,
  DescribeModelBiasJobDefinitionCommand,
  DescribeModelCommand,
  DescribeModelExplainabilityJobDefinitionCommand,
  DescribeModelQualityJobDefinitionCommand,
  DescribeMonitoringScheduleCommand,
  DescribeNotebookInstanceCommand,
  ListTagsCommand,
} from '@aws-sdk/client-sagemaker';
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { DescribeOutputs, ResourceKind, ResourceRef, ResourceSnapshot } from './resources.js';

/**
 * Re-reads ONE resource into a ResourceSnapshot, the same way the inventory does (Describe output without
 * `$metadata`, tags as a key → value map from a paginated ListTags), so that `configurationFingerprint(detail, tags)`
 * of a fresh read equals the audit's when nothing changed. Used by the remediation worker for its safety gates
 * (drift, already passing) and to verify a fix. Errors are thrown, not collected: the caller decides.
 */

type Describer<K extends ResourceKind> = (client: SageMakerClient, name: string) => Promise<DescribeOutputs[K]>;

function strip<T extends object>(out: T & { $metadata?: unknown }): T {
  const { $metadata: _metadata, ...rest } = out;
  return rest as T;
}

const DESCRIBERS: { [K in ResourceKind]: Describer<K> } = {
  'notebook-instance': async (c, name) => strip(await c.send(new DescribeNotebookInstanceCommand({ NotebookInstanceName: name }))),
  'data-quality-job-definition': async (c, name) => strip(await c.send(new DescribeDataQualityJobDefinitionCommand({ JobDefinitionName: name }))),
  'model-quality-job-definition': async (c, name) => strip(await c.send(new DescribeModelQualityJobDefinitionCommand({ JobDefinitionName: name }))),
  'model-bias-job-definition': async (c, name) => strip(await c.send(new DescribeModelBiasJobDefinitionCommand({ JobDefinitionName: name }))),
  'model-explainability-job-definition': async (c, name) =>
    strip(await c.send(new DescribeModelExplainabilityJobDefinitionCommand({ JobDefinitionName: name }))),
  'monitoring-schedule': async (c, name) => strip(await c.send(new DescribeMonitoringScheduleCommand({ MonitoringScheduleName: name }))),
  model: async (c, name) => strip(await c.send(new DescribeModelCommand({ ModelName: name }))),
  'endpoint-config': async (c, name) => strip(await c.send(new DescribeEndpointConfigCommand({ EndpointConfigName: name }))),
  'feature-group': async (c, name) => strip(await c.send(new DescribeFeatureGroupCommand({ FeatureGroupName: name }))),
  'inference-experiment': async (c, name) => strip(await c.send(new DescribeInferenceExperimentCommand({ Name: name }))),
  'app-image-config': async (c, name) => strip(await c.send(new DescribeAppImageConfigCommand({ AppImageConfigName: name }))),
  image: async (c, name) => strip(await c.send(new DescribeImageCommand({ ImageName: name }))),
};

export async function readResourceTags(client: SageMakerClient, arn: string): Promise<Record<string, string>> {
  const tags: Record<string, string> = {};
  let nextToken: string | undefined;
  do {
    const out = await client.send(new ListTagsCommand({ ResourceArn: arn, MaxResults: 100, NextToken: nextToken }));
    for (const t of out.Tags ?? []) if (t.Key !== undefined) tags[t.Key] = t.Value ?? '';
    nextToken = out.NextToken;
  } while (nextToken);
  return tags;
}

/**
 * Reads the evidence of one resource: the Describe output and/or the tags, as `evidence` says (pass the same
 * evidence the audit read for this kind, e.g. `evidenceFor(kind)` from src/controls, so fingerprints compare).
 */
export async function readResource<K extends ResourceKind>(
  client: SageMakerClient,
  ref: ResourceRef<K>,
  evidence: { describe: boolean; tags: boolean },
): Promise<ResourceSnapshot<K>> {
  const snapshot: ResourceSnapshot<K> = { ref };
  const describe = DESCRIBERS[ref.kind] as Describer<K>;
  const [detail, tags] = await Promise.all([
    evidence.describe ? describe(client, ref.name) : Promise.resolve(undefined),
    evidence.tags ? readResourceTags(client, ref.arn) : Promise.resolve(undefined),
  ]);
  if (detail !== undefined) snapshot.detail = detail;
  if (tags !== undefined) snapshot.tags = tags;
  return snapshot;
}
