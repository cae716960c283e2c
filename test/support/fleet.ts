/**
 * Seeded SageMaker fleets for the AWS stand-in: a large random-but-deterministic fleet for tests and benchmarks
 * (`seedFleet`), and a small curated one with readable names for `npm run demo` (`seedDemoFleet`).
 * Resources are created through the stand-in's own Create handlers, so they look exactly like API-created ones.
 */
import type { AwsStandin, Json, SageMakerKind } from './aws-standin/index.js';
import { mulberry32 } from './aws-standin/prng.js';

export interface FleetResource {
  kind: SageMakerKind;
  name: string;
  arn: string;
  accountId: string;
  region: string;
  /** Security Hub control ids this resource fails by construction (empty = compliant). */
  failing: string[];
}

export interface FleetSummary {
  resources: FleetResource[];
  /** FAILED findings added for failing resources (most, not all, failures get one). */
  failedFindings: number;
  /** Failures with no finding (Security Hub has not caught up yet). */
  failuresWithoutFinding: Array<{ arn: string; controlId: string }>;
  /** FAILED findings for resources that are already compliant (stale findings / drift). */
  driftFindings: Array<{ arn: string; controlId: string }>;
}

export interface SeedFleetOptions {
  accounts: string[];
  regions: string[];
  /** Approximate number of SageMaker resources across all accounts and regions (schedules included). */
  resourcesTotal: number;
  seed?: number;
  /** Fraction of resources that fail at least one control (default 0.4). */
  failingRatio?: number;
  /** Fraction of failures that get a FAILED finding (default 0.9). */
  findingCoverage?: number;
  /** Fraction of compliant resources with a stale FAILED finding (default 0.03). */
  driftRatio?: number;
  /** Make accounts[0] the organization's management account (default true). */
  organization?: boolean;
}

const ROLE = (acct: string, name: string): string => `arn:aws:iam::${acct}:role/${name}`;
const KMS = (acct: string, region: string): string => `arn:aws:kms:${region}:${acct}:key/0b5e6a4c-1111-4b3c-9c7e-${acct.slice(0, 12)}`;

const FAMILY_CONTROLS = {
  DataQuality: { kind: 'data-quality-job-definition', encryption: 'SageMaker.9', isolation: 'SageMaker.11' },
  ModelQuality: { kind: 'model-quality-job-definition', encryption: 'SageMaker.13', isolation: 'SageMaker.25' },
  ModelBias: { kind: 'model-bias-job-definition', encryption: 'SageMaker.15', isolation: 'SageMaker.12' },
  ModelExplainability: { kind: 'model-explainability-job-definition', encryption: 'SageMaker.10', isolation: 'SageMaker.20' },
} as const;
type Family = keyof typeof FAMILY_CONTROLS;

const SEVERITY: Record<string, 'LOW' | 'MEDIUM' | 'HIGH'> = {
  'SageMaker.1': 'HIGH', 'SageMaker.2': 'HIGH', 'SageMaker.3': 'HIGH', 'SageMaker.6': 'LOW', 'SageMaker.7': 'LOW', 'SageMaker.20': 'HIGH', 'SageMaker.25': 'HIGH',
};

/** Builders return the Create input and the controls it fails. `fail` picks which checks fail (non-empty when failing). */
type Pick = (controls: string[]) => Set<string>;

function notebook(acct: string, region: string, name: string, pick: Pick, failing: boolean): { input: Json; failing: string[] } {
  const f = failing ? pick(['SageMaker.1', 'SageMaker.2', 'SageMaker.3', 'SageMaker.8', 'SageMaker.21']) : new Set<string>();
  // Direct internet can only be disabled inside a VPC, so "no VPC" implies "direct internet".
  if (f.has('SageMaker.2')) f.add('SageMaker.1');
  const input: Json = {
    NotebookInstanceName: name,
    InstanceType: 'ml.t3.medium',
    RoleArn: ROLE(acct, 'SageMakerNotebookRole'),
    VolumeSizeInGB: 20,
    RootAccess: f.has('SageMaker.3') ? 'Enabled' : 'Disabled',
    PlatformIdentifier: f.has('SageMaker.8') ? 'notebook-al2-v3' : 'notebook-al2023-v1',
    DirectInternetAccess: f.has('SageMaker.1') ? 'Enabled' : 'Disabled',
    Tags: [{ Key: 'owner', Value: `${name}-owner` }],
  };
  if (!f.has('SageMaker.2')) Object.assign(input, { SubnetId: `subnet-0${region.length}${acct.slice(-4)}`, SecurityGroupIds: ['sg-0notebooks'] });
  if (!f.has('SageMaker.21')) input.KmsKeyId = KMS(acct, region);
  return { input, failing: [...f] };
}

function jobDefinition(family: Family, acct: string, name: string, endpoint: string, pick: Pick, failing: boolean): { input: Json; failing: string[] } {
  const c = FAMILY_CONTROLS[family];
  const f = failing ? pick([c.encryption, c.isolation]) : new Set<string>();
  const input: Json = {
    JobDefinitionName: name,
    [`${family}AppSpecification`]: { ImageUri: `156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer`, ...(family === 'ModelBias' || family === 'ModelExplainability' ? { ConfigUri: `s3://monitoring-${acct}/${name}/analysis_config.json` } : family === 'ModelQuality' ? { ProblemType: 'BinaryClassification' } : {}) },
    [`${family}BaselineConfig`]: family === 'ModelBias' || family === 'ModelExplainability' ? { ConstraintsResource: { S3Uri: `s3://monitoring-${acct}/${name}/baseline` } } : { ConstraintsResource: { S3Uri: `s3://monitoring-${acct}/${name}/constraints.json` } },
    [`${family}JobInput`]: { EndpointInput: { EndpointName: endpoint, LocalPath: '/opt/ml/processing/input', S3InputMode: 'File', S3DataDistributionType: 'FullyReplicated' }, ...(family === 'DataQuality' ? {} : { GroundTruthS3Input: { S3Uri: `s3://monitoring-${acct}/${name}/ground-truth` } }) },
    [`${family}JobOutputConfig`]: { MonitoringOutputs: [{ S3Output: { S3Uri: `s3://monitoring-${acct}/${name}/reports`, LocalPath: '/opt/ml/processing/output', S3UploadMode: 'EndOfJob' } }] },
    JobResources: { ClusterConfig: { InstanceCount: f.has(c.encryption) ? 2 : 1 + (name.length % 2), InstanceType: 'ml.m5.xlarge', VolumeSizeInGB: 30 } },
    NetworkConfig: {
      EnableInterContainerTrafficEncryption: !f.has(c.encryption),
      EnableNetworkIsolation: !f.has(c.isolation),
      VpcConfig: { SecurityGroupIds: ['sg-0monitoring'], Subnets: ['subnet-0monitoring'] },
    },
    RoleArn: ROLE(acct, 'SageMakerMonitoringRole'),
    StoppingCondition: { MaxRuntimeInSeconds: 3600 },
    Tags: [{ Key: 'team', Value: 'ml-platform' }],
  };
  return { input, failing: [...f] };
}

function embeddedSchedule(acct: string, name: string, endpoint: string, pick: Pick, failing: boolean): { input: Json; failing: string[] } {
  const f = failing ? pick(['SageMaker.14', 'SageMaker.22']) : new Set<string>();
  return {
    input: {
      MonitoringScheduleName: name,
      MonitoringScheduleConfig: {
        ScheduleConfig: { ScheduleExpression: 'cron(0 * ? * * *)' },
        MonitoringJobDefinition: {
          MonitoringInputs: [{ EndpointInput: { EndpointName: endpoint, LocalPath: '/opt/ml/processing/input' } }],
          MonitoringOutputConfig: { MonitoringOutputs: [{ S3Output: { S3Uri: `s3://monitoring-${acct}/${name}`, LocalPath: '/opt/ml/processing/output' } }] },
          MonitoringResources: { ClusterConfig: { InstanceCount: 1, InstanceType: 'ml.m5.large', VolumeSizeInGB: 20 } },
          MonitoringAppSpecification: { ImageUri: '156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer' },
          StoppingCondition: { MaxRuntimeInSeconds: 1800 },
          NetworkConfig: { EnableNetworkIsolation: !f.has('SageMaker.14'), EnableInterContainerTrafficEncryption: !f.has('SageMaker.22') },
          RoleArn: ROLE(acct, 'SageMakerMonitoringRole'),
        },
      },
    },
    failing: [...f],
  };
}

function model(acct: string, name: string, multi: boolean, pick: Pick, failing: boolean): { input: Json; failing: string[] } {
  const f = failing ? pick(multi ? ['SageMaker.5', 'SageMaker.19'] : ['SageMaker.5', 'SageMaker.16']) : new Set<string>();
  const container = (i: number, platform: boolean): Json => ({
    Image: platform ? `${acct}.dkr.ecr.us-east-1.amazonaws.com/${name}:${i}` : `registry.internal.example.com/${name}:${i}`,
    ModelDataUrl: `s3://models-${acct}/${name}/model.tar.gz`,
    ImageConfig: { RepositoryAccessMode: platform ? 'Platform' : 'Vpc' },
  });
  const input: Json = {
    ModelName: name,
    ExecutionRoleArn: ROLE(acct, 'SageMakerExecutionRole'),
    EnableNetworkIsolation: !f.has('SageMaker.5'),
    VpcConfig: { SecurityGroupIds: ['sg-0models'], Subnets: ['subnet-0models'] },
    Tags: [{ Key: 'team', Value: 'inference' }],
  };
  if (multi) input.Containers = [container(0, false), container(1, f.has('SageMaker.19'))];
  else input.PrimaryContainer = container(0, f.has('SageMaker.16'));
  return { input, failing: [...f] };
}

function endpointConfig(name: string, modelName: string, serverless: boolean, failing: boolean): { input: Json; failing: string[] } {
  const variant: Json = serverless
    ? { VariantName: 'AllTraffic', ModelName: modelName, ServerlessConfig: { MemorySizeInMB: 2048, MaxConcurrency: 5 } }
    : { VariantName: 'AllTraffic', ModelName: modelName, InstanceType: 'ml.m5.large', InitialInstanceCount: failing ? 1 : 2, InitialVariantWeight: 1 };
  return { input: { EndpointConfigName: name, ProductionVariants: [variant], Tags: [{ Key: 'team', Value: 'inference' }] }, failing: !serverless && failing ? ['SageMaker.4'] : [] };
}

function featureGroup(acct: string, region: string, name: string, pick: Pick, failing: boolean): { input: Json; failing: string[] } {
  const f = failing ? pick(['SageMaker.17', 'SageMaker.18']) : new Set<string>();
  return {
    input: {
      FeatureGroupName: name,
      RecordIdentifierFeatureName: 'customer_id',
      EventTimeFeatureName: 'event_time',
      FeatureDefinitions: [{ FeatureName: 'customer_id', FeatureType: 'String' }, { FeatureName: 'event_time', FeatureType: 'String' }, { FeatureName: 'score', FeatureType: 'Fractional' }],
      OnlineStoreConfig: { EnableOnlineStore: true, StorageType: 'Standard', ...(f.has('SageMaker.18') ? {} : { SecurityConfig: { KmsKeyId: KMS(acct, region) } }) },
      OfflineStoreConfig: { S3StorageConfig: { S3Uri: `s3://features-${acct}/${name}`, ...(f.has('SageMaker.17') ? {} : { KmsKeyId: KMS(acct, region) }) }, TableFormat: 'Iceberg' },
      RoleArn: ROLE(acct, 'SageMakerFeatureStoreRole'),
    },
    failing: [...f],
  };
}

function inferenceExperiment(acct: string, region: string, name: string, endpoint: string, modelName: string, pick: Pick, failing: boolean): { input: Json; failing: string[] } {
  const f = failing ? pick(['SageMaker.23', 'SageMaker.24']) : new Set<string>();
  const input: Json = {
    Name: name,
    Type: 'ShadowMode',
    RoleArn: ROLE(acct, 'SageMakerExecutionRole'),
    EndpointName: endpoint,
    ModelVariants: [
      { ModelName: modelName, VariantName: 'production', InfrastructureConfig: { InfrastructureType: 'RealTimeInference', RealTimeInferenceConfig: { InstanceType: 'ml.m5.large', InstanceCount: 1 } } },
      { ModelName: modelName, VariantName: 'shadow', InfrastructureConfig: { InfrastructureType: 'RealTimeInference', RealTimeInferenceConfig: { InstanceType: 'ml.m5.large', InstanceCount: 1 } } },
    ],
    ShadowModeConfig: { SourceModelVariantName: 'production', ShadowModelVariants: [{ ShadowModelVariantName: 'shadow', SamplingPercentage: 50 }] },
    DataStorageConfig: { Destination: `s3://experiments-${acct}/${name}`, ...(f.has('SageMaker.24') ? {} : { KmsKey: KMS(acct, region) }) },
  };
  if (!f.has('SageMaker.23')) input.KmsKey = KMS(acct, region);
  return { input, failing: [...f] };
}

export function seedFleet(standin: AwsStandin, options: SeedFleetOptions): FleetSummary {
  const rand = mulberry32(options.seed ?? 7);
  const failingRatio = options.failingRatio ?? 0.4;
  const coverage = options.findingCoverage ?? 0.9;
  const driftRatio = options.driftRatio ?? 0.03;
  const pick: Pick = (controls) => {
    const s = new Set(controls.filter(() => rand() < 0.5));
    if (s.size === 0) s.add(controls[Math.floor(rand() * controls.length)]!);
    return s;
  };
  if (options.organization !== false && options.accounts.length > 0) {
    standin.setOrganization({ managementAccountId: options.accounts[0]!, accounts: options.accounts.map((Id) => ({ Id, Name: `account-${Id}` })) });
  }
  const summary: FleetSummary = { resources: [], failedFindings: 0, failuresWithoutFinding: [], driftFindings: [] };
  const cells = options.accounts.flatMap((a) => options.regions.map((r) => [a, r] as const));
  // A fleet in an opt-in Region means its accounts enabled that Region (default Regions stay ENABLED_BY_DEFAULT).
  for (const [acct, region] of cells) standin.region(acct, region).regionDisabled = false;
  // Weighted mix of "slots"; a named job definition slot also creates the schedule that references it (2 resources).
  const mix: Array<[string, number]> = [
    ['notebook', 25], ['DataQuality', 6], ['ModelQuality', 6], ['ModelBias', 6], ['ModelExplainability', 6], ['embedded-schedule', 5],
    ['model', 14], ['endpoint-config', 14], ['feature-group', 5], ['inference-experiment', 3], ['app-image-config', 3], ['image', 3],
  ];
  const totalWeight = mix.reduce((s, [, w]) => s + w, 0);
  const chooseSlot = (): string => {
    let x = rand() * totalWeight;
    for (const [k, w] of mix) if ((x -= w) < 0) return k;
    return 'notebook';
  };

  let created = 0;
  let n = 0;
  const counters = new Map<string, number>();
  while (created < options.resourcesTotal) {
    const [acct, region] = cells[n % cells.length]!;
    n++;
    const slot = chooseSlot();
    const idx = (counters.get(slot) ?? 0) + 1;
    counters.set(slot, idx);
    const failing = rand() < failingRatio;
    const at = { accountId: acct, region };
    const add = (kind: SageMakerKind, name: string, failingControls: string[]): void => {
      summary.resources.push({ kind, name, arn: standin.arn(kind, acct, region, name), accountId: acct, region, failing: failingControls });
      created++;
    };
    const endpoint = `endpoint-${(idx % 7) + 1}`;
    switch (slot) {
      case 'notebook': {
        const name = `nb-${acct.slice(-4)}-${idx}`;
        const b = notebook(acct, region, name, pick, failing);
        standin.invoke('CreateNotebookInstance', b.input, at);
        add('notebook-instance', name, b.failing);
        break;
      }
      case 'DataQuality':
      case 'ModelQuality':
      case 'ModelBias':
      case 'ModelExplainability': {
        const family = slot as Family;
        const name = `${family.replace(/[a-z]/g, '').toLowerCase()}-jobdef-${idx}`;
        const b = jobDefinition(family, acct, name, endpoint, pick, failing);
        standin.invoke(`Create${family}JobDefinition`, b.input, at);
        add(FAMILY_CONTROLS[family].kind, name, b.failing);
        const sched = `${name}-schedule`;
        standin.invoke('CreateMonitoringSchedule', { MonitoringScheduleName: sched, MonitoringScheduleConfig: { MonitoringJobDefinitionName: name, MonitoringType: family, ScheduleConfig: { ScheduleExpression: 'cron(0 * ? * * *)' } } }, at);
        add('monitoring-schedule', sched, []);
        break;
      }
      case 'embedded-schedule': {
        const name = `embedded-schedule-${idx}`;
        const b = embeddedSchedule(acct, name, endpoint, pick, failing);
        standin.invoke('CreateMonitoringSchedule', b.input, at);
        add('monitoring-schedule', name, b.failing);
        break;
      }
      case 'model': {
        const name = `model-${idx}`;
        const b = model(acct, name, rand() < 0.25, pick, failing);
        standin.invoke('CreateModel', b.input, at);
        add('model', name, b.failing);
        break;
      }
      case 'endpoint-config': {
        const modelName = `ec-model-${idx}`;
        standin.invoke('CreateModel', model(acct, modelName, false, pick, false).input, at);
        add('model', modelName, []);
        const name = `endpoint-config-${idx}`;
        const b = endpointConfig(name, modelName, rand() < 0.2, failing);
        standin.invoke('CreateEndpointConfig', b.input, at);
        add('endpoint-config', name, b.failing);
        break;
      }
      case 'feature-group': {
        const name = `feature-group-${idx}`;
        const b = featureGroup(acct, region, name, pick, failing);
        standin.invoke('CreateFeatureGroup', b.input, at);
        add('feature-group', name, b.failing);
        break;
      }
      case 'inference-experiment': {
        const name = `shadow-test-${idx}`;
        const b = inferenceExperiment(acct, region, name, endpoint, `model-${idx}`, pick, failing);
        standin.invoke('CreateInferenceExperiment', b.input, at);
        add('inference-experiment', name, b.failing);
        break;
      }
      case 'app-image-config': {
        const name = `kernel-config-${idx}`;
        standin.invoke('CreateAppImageConfig', { AppImageConfigName: name, KernelGatewayImageConfig: { KernelSpecs: [{ Name: 'python3', DisplayName: 'Python 3' }], FileSystemConfig: { MountPath: '/home/sagemaker-user', DefaultUid: 1000, DefaultGid: 100 } }, ...(failing ? {} : { Tags: [{ Key: 'team', Value: 'data-science' }] }) }, at);
        add('app-image-config', name, failing ? ['SageMaker.6'] : []);
        break;
      }
      case 'image': {
        const name = `custom-image-${idx}`;
        standin.invoke('CreateImage', { ImageName: name, DisplayName: `Custom image ${idx}`, RoleArn: ROLE(acct, 'SageMakerImageRole'), ...(failing ? {} : { Tags: [{ Key: 'team', Value: 'data-science' }] }) }, at);
        add('image', name, failing ? ['SageMaker.7'] : []);
        break;
      }
    }
  }

  for (const r of summary.resources) {
    if (r.failing.length > 0) {
      for (const controlId of r.failing) {
        if (rand() < coverage) {
          standin.addControlFinding({ accountId: r.accountId, region: r.region, controlId, resourceArn: r.arn, severity: SEVERITY[controlId] ?? 'MEDIUM' });
          summary.failedFindings++;
        } else {
          summary.failuresWithoutFinding.push({ arn: r.arn, controlId });
        }
      }
    } else if (rand() < driftRatio) {
      const controlId = DRIFT_CONTROL[r.kind];
      if (controlId) {
        standin.addControlFinding({ accountId: r.accountId, region: r.region, controlId, resourceArn: r.arn, severity: SEVERITY[controlId] ?? 'MEDIUM' });
        summary.driftFindings.push({ arn: r.arn, controlId });
      }
    }
  }
  return summary;
}

const DRIFT_CONTROL: Partial<Record<SageMakerKind, string>> = {
  'notebook-instance': 'SageMaker.3',
  model: 'SageMaker.5',
  'endpoint-config': 'SageMaker.4',
  'data-quality-job-definition': 'SageMaker.11',
  'model-quality-job-definition': 'SageMaker.25',
  'model-bias-job-definition': 'SageMaker.12',
  'model-explainability-job-definition': 'SageMaker.20',
  'feature-group': 'SageMaker.17',
};

/** Small curated fleet for the demo: one account, two regions, compliant and failing resources with readable names. */
export function seedDemoFleet(standin: AwsStandin, options: { accountId?: string; regions?: [string, string] } = {}): FleetSummary {
  const acct = options.accountId ?? standin.defaultAccountId;
  const [east, west] = options.regions ?? ['us-east-1', 'eu-west-1'];
  const always: Pick = (controls) => new Set(controls);
  const only = (...ids: string[]): Pick => (controls) => new Set(controls.filter((c) => ids.includes(c)));
  const summary: FleetSummary = { resources: [], failedFindings: 0, failuresWithoutFinding: [], driftFindings: [] };
  const put = (region: string, kind: SageMakerKind, op: string, b: { input: Json; failing: string[] }, name: string): void => {
    standin.invoke(op, b.input, { accountId: acct, region });
    summary.resources.push({ kind, name, arn: standin.arn(kind, acct, region, name), accountId: acct, region, failing: b.failing });
  };

  put(east, 'notebook-instance', 'CreateNotebookInstance', notebook(acct, east, 'research-notebook', only('SageMaker.1', 'SageMaker.3', 'SageMaker.8'), true), 'research-notebook');
  put(east, 'notebook-instance', 'CreateNotebookInstance', notebook(acct, east, 'secure-notebook', always, false), 'secure-notebook');
  put(east, 'data-quality-job-definition', 'CreateDataQualityJobDefinition', jobDefinition('DataQuality', acct, 'churn-data-quality', 'churn-endpoint', always, true), 'churn-data-quality');
  put(east, 'monitoring-schedule', 'CreateMonitoringSchedule', { input: { MonitoringScheduleName: 'churn-data-quality-hourly', MonitoringScheduleConfig: { MonitoringJobDefinitionName: 'churn-data-quality', MonitoringType: 'DataQuality', ScheduleConfig: { ScheduleExpression: 'cron(0 * ? * * *)' } } }, failing: [] }, 'churn-data-quality-hourly');
  put(east, 'model', 'CreateModel', model(acct, 'churn-model', false, only('SageMaker.5'), true), 'churn-model');
  put(east, 'model', 'CreateModel', model(acct, 'fraud-model', false, always, false), 'fraud-model');
  put(east, 'endpoint-config', 'CreateEndpointConfig', endpointConfig('churn-endpoint-config', 'churn-model', false, true), 'churn-endpoint-config');
  put(east, 'endpoint-config', 'CreateEndpointConfig', endpointConfig('fraud-serverless-config', 'fraud-model', true, false), 'fraud-serverless-config');
  const delays = { ...standin.delays };
  standin.setTransitionDelay(0);
  standin.invoke('CreateEndpoint', { EndpointName: 'churn-endpoint', EndpointConfigName: 'churn-endpoint-config' }, { accountId: acct, region: east });
  Object.assign(standin.delays, delays);
  put(east, 'app-image-config', 'CreateAppImageConfig', { input: { AppImageConfigName: 'team-kernel-config', KernelGatewayImageConfig: { KernelSpecs: [{ Name: 'python3' }] } }, failing: ['SageMaker.6'] }, 'team-kernel-config');

  put(west, 'notebook-instance', 'CreateNotebookInstance', notebook(acct, west, 'eu-analytics-notebook', only('SageMaker.21'), true), 'eu-analytics-notebook');
  put(west, 'model-quality-job-definition', 'CreateModelQualityJobDefinition', jobDefinition('ModelQuality', acct, 'eu-model-quality', 'eu-endpoint', always, false), 'eu-model-quality');
  put(west, 'monitoring-schedule', 'CreateMonitoringSchedule', { input: { MonitoringScheduleName: 'eu-model-quality-daily', MonitoringScheduleConfig: { MonitoringJobDefinitionName: 'eu-model-quality', MonitoringType: 'ModelQuality', ScheduleConfig: { ScheduleExpression: 'cron(0 0 ? * * *)' } } }, failing: [] }, 'eu-model-quality-daily');
  put(west, 'feature-group', 'CreateFeatureGroup', featureGroup(acct, west, 'eu-customer-features', only('SageMaker.17'), true), 'eu-customer-features');
  put(west, 'image', 'CreateImage', { input: { ImageName: 'eu-custom-image', DisplayName: 'EU custom image', RoleArn: ROLE(acct, 'SageMakerImageRole'), Tags: [{ Key: 'team', Value: 'data-science' }] }, failing: [] }, 'eu-custom-image');

  for (const r of summary.resources) {
    for (const controlId of r.failing) {
      standin.addControlFinding({ accountId: acct, region: r.region, controlId, resourceArn: r.arn, severity: SEVERITY[controlId] ?? 'MEDIUM' });
      summary.failedFindings++;
    }
  }
  // Drift: the secure notebook was fixed but its periodic SageMaker.1 finding has not been re-evaluated yet.
  const fixed = summary.resources.find((r) => r.name === 'secure-notebook')!;
  standin.addControlFinding({ accountId: acct, region: east, controlId: 'SageMaker.1', resourceArn: fixed.arn, severity: 'HIGH' });
  summary.driftFindings.push({ arn: fixed.arn, controlId: 'SageMaker.1' });
  // A compliant model with a PASSED finding, as Security Hub keeps them.
  const passed = summary.resources.find((r) => r.name === 'fraud-model')!;
  standin.addControlFinding({ accountId: acct, region: east, controlId: 'SageMaker.5', resourceArn: passed.arn, status: 'PASSED' });
  return summary;
}
