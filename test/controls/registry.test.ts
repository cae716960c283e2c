import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ResourceSnapshot } from '../../src/aws/resources.js';
import { RESOURCE_KINDS } from '../../src/aws/resources.js';
import {
  CONTROLS,
  controlsByKind,
  evaluateControl,
  evidenceFor,
  getControl,
  kindsForControls,
  planControl,
} from '../../src/controls/index.js';
import { MAX_NAME_LENGTH, compliantName } from '../../src/controls/shared/names.js';
import { RESOURCE_NAME_PATTERN } from '../../src/validation.js';
import { DEFAULT_CONTROL_PARAMETERS } from '../../src/controls/parameters.js';
import { automatedOperation } from '../../src/remediation/operations/index.js';
import {
  embeddedSchedule,
  endpointConfig,
  featureGroup,
  inferenceExperiment,
  jobDefinition,
  model,
  notebook,
  notebookDetail,
  params,
  pipelineModel,
  snapshot,
  without,
} from './fixtures.js';
import type { ControlParameters } from '../../src/config.js';

const TAG_PARAMS = params({ requiredTagKeys: ['Owner'], remediationTagValues: { Owner: 'ml-platform' } });

/** One FAILED snapshot per control, with the parameters it is evaluated under. */
const FAILING: Record<string, [ResourceSnapshot, ControlParameters]> = {
  'SageMaker.1': [notebook({ DirectInternetAccess: 'Enabled' }), params()],
  'SageMaker.2': [snapshot('notebook-instance', 'nb-1', without(notebookDetail(), 'SubnetId')), params()],
  'SageMaker.3': [notebook({ RootAccess: 'Enabled', PlatformIdentifier: 'notebook-al2-v3' }), params()],
  'SageMaker.4': [endpointConfig('ec-1', [{ VariantName: 'AllTraffic', ModelName: 'm', InstanceType: 'ml.m5.xlarge', InitialInstanceCount: 1 }]), params()],
  'SageMaker.5': [model('m-1', { EnableNetworkIsolation: false }), params()],
  'SageMaker.6': [snapshot('app-image-config', 'aic-1', undefined, { tags: {} }), TAG_PARAMS],
  'SageMaker.7': [snapshot('image', 'img-1', undefined, { tags: { 'aws:x': 'y' } }), TAG_PARAMS],
  'SageMaker.8': [notebook({ PlatformIdentifier: 'notebook-al2-v3' }), params()],
  'SageMaker.9': [jobDefinition('data-quality-job-definition', 'dq-1', { EnableInterContainerTrafficEncryption: false }), params()],
  'SageMaker.10': [jobDefinition('model-explainability-job-definition', 'me-1', {}), params()],
  'SageMaker.11': [jobDefinition('data-quality-job-definition', 'dq-1', undefined), params()],
  'SageMaker.12': [jobDefinition('model-bias-job-definition', 'mb-1', { EnableNetworkIsolation: false }), params()],
  'SageMaker.13': [jobDefinition('model-quality-job-definition', 'mq-1', { EnableInterContainerTrafficEncryption: false }), params()],
  'SageMaker.14': [embeddedSchedule('ms-1', { EnableNetworkIsolation: false }), params()],
  'SageMaker.15': [jobDefinition('model-bias-job-definition', 'mb-1', { EnableInterContainerTrafficEncryption: false }, 2), params()],
  'SageMaker.16': [model('m-1', { PrimaryContainer: { Image: 'x', ImageConfig: { RepositoryAccessMode: 'Platform' } } }), params()],
  'SageMaker.17': [featureGroup('fg-1', { OfflineStoreConfig: { S3StorageConfig: { S3Uri: 's3://b/p' } } }), params()],
  'SageMaker.18': [featureGroup('fg-1', { OnlineStoreConfig: { EnableOnlineStore: true, StorageType: 'Standard' } }), params()],
  'SageMaker.19': [pipelineModel('pipe', ['Platform', 'Vpc']), params()],
  'SageMaker.20': [jobDefinition('model-explainability-job-definition', 'me-1', { EnableNetworkIsolation: false }), params()],
  'SageMaker.21': [snapshot('notebook-instance', 'nb-1', without(notebookDetail(), 'KmsKeyId')), params()],
  'SageMaker.22': [embeddedSchedule('ms-1', {}), params()],
  'SageMaker.23': [inferenceExperiment('ie-1', { KmsKey: undefined }), params()],
  'SageMaker.24': [inferenceExperiment('ie-1', { DataStorageConfig: { Destination: 's3://x' } }), params()],
  'SageMaker.25': [jobDefinition('model-quality-job-definition', 'mq-1', { EnableNetworkIsolation: false }), params()],
};

const COPY_STEPS = new Set(['job-definition.snapshot', 'endpoint-config.create-copy']);

describe('control registry', () => {
  it('holds exactly SageMaker.1 to SageMaker.25, in order, with unique ids', () => {
    expect(CONTROLS.map((c) => c.metadata.id)).toEqual(Array.from({ length: 25 }, (_, i) => `SageMaker.${i + 1}`));
    expect(new Set(CONTROLS.map((c) => c.metadata.id)).size).toBe(25);
  });

  it('getControl is case-insensitive and returns undefined for unknown ids', () => {
    expect(getControl('sagemaker.3')?.metadata.id).toBe('SageMaker.3');
    expect(getControl(' SAGEMAKER.25 ')?.metadata.id).toBe('SageMaker.25');
    expect(getControl('SageMaker.26')).toBeUndefined();
    expect(getControl('SageMaker.')).toBeUndefined();
  });

  it('controlsByKind and evidenceFor follow the metadata', () => {
    expect(controlsByKind('notebook-instance').map((c) => c.metadata.id)).toEqual(['SageMaker.1', 'SageMaker.2', 'SageMaker.3', 'SageMaker.8', 'SageMaker.21']);
    expect(controlsByKind('model-bias-job-definition').map((c) => c.metadata.id)).toEqual(['SageMaker.12', 'SageMaker.15']);
    expect(evidenceFor('image')).toEqual({ describe: false, tags: true });
    expect(evidenceFor('app-image-config')).toEqual({ describe: false, tags: true });
    expect(evidenceFor('notebook-instance')).toEqual({ describe: true, tags: false });
    expect(new Set(kindsForControls(CONTROLS))).toEqual(new Set(RESOURCE_KINDS));
  });

  it('only SageMaker.6 and .7 read tags, and they need no Describe', () => {
    expect(CONTROLS.filter((c) => c.metadata.evidence.tags).map((c) => c.metadata.id)).toEqual(['SageMaker.6', 'SageMaker.7']);
    expect(CONTROLS.filter((c) => !c.metadata.evidence.describe).map((c) => c.metadata.id)).toEqual(['SageMaker.6', 'SageMaker.7']);
  });

  it('periodic are exactly .1, .4, .8; HIGH are .1, .2, .3, .20, .25; LOW are .6, .7', () => {
    const ids = (pred: (c: (typeof CONTROLS)[number]) => boolean) => CONTROLS.filter(pred).map((c) => c.metadata.id);
    expect(ids((c) => c.metadata.schedule === 'periodic')).toEqual(['SageMaker.1', 'SageMaker.4', 'SageMaker.8']);
    expect(ids((c) => c.metadata.severity === 'HIGH')).toEqual(['SageMaker.1', 'SageMaker.2', 'SageMaker.3', 'SageMaker.20', 'SageMaker.25']);
    expect(ids((c) => c.metadata.severity === 'LOW')).toEqual(['SageMaker.6', 'SageMaker.7']);
  });

  it('declares only real parameters; the defaults are the documented AWS values', () => {
    for (const c of CONTROLS) for (const p of c.metadata.parameters) expect(Object.keys(DEFAULT_CONTROL_PARAMETERS)).toContain(p);
    expect(DEFAULT_CONTROL_PARAMETERS).toEqual({
      supportedPlatformIdentifiers: ['notebook-al2023-v1'],
      requiredTagKeys: [],
      remediationTagValues: {},
      minimumInstanceCount: 2,
    });
  });

  it('writes the supported platform down only in parameters.ts', () => {
    const dir = fileURLToPath(new URL('../../src/controls/', import.meta.url));
    const holders = readdirSync(dir).filter((f) => f.endsWith('.ts') && readFileSync(join(dir, f), 'utf8').includes('notebook-al2023-v1'));
    expect(holders).toEqual(['parameters.ts']);
  });

  it('every control has a failing fixture here', () => {
    expect(Object.keys(FAILING).sort()).toEqual(CONTROLS.map((c) => c.metadata.id).sort());
  });

  for (const control of CONTROLS) {
    const id = control.metadata.id;
    describe(id, () => {
      const [s, p] = FAILING[id]!;

      it('fails its fixture with a one-sentence reason naming the resource', () => {
        const r = evaluateControl(control, s, p);
        expect(r.status).toBe('FAILED');
        expect(r.reason.startsWith('SageMaker ')).toBe(true);
        expect(r.reason).toContain(s.ref.name);
        expect(r.reason.endsWith('.')).toBe(true);
        expect(r.reason).not.toMatch(/\.\s+[A-Z]/);
      });

      it('is UNKNOWN, never PASSED, with no evidence', () => {
        const bare: ResourceSnapshot = { ref: s.ref };
        expect(evaluateControl(control, bare, p).status).toBe('UNKNOWN');
      });

      it('plans only allow-listed operations, copies before destroying, and states its remediation kind', () => {
        const plan = planControl(control, s, p);
        expect(plan.verify).toEqual(plan.kind === 'recreate' ? { controlId: id, resourceName: compliantName(s.ref.name) } : { controlId: id });
        expect(plan.steps.length).toBeGreaterThan(0);
        expect(new Set(plan.steps.map((x) => x.id)).size).toBe(plan.steps.length);
        let copied = false;
        for (const x of plan.steps) {
          const op = automatedOperation(x.operation);
          expect(op !== undefined || x.operation === 'manual', x.operation).toBe(true);
          if (op?.destructive) expect(copied, `${x.operation} without a copy before it`).toBe(true);
          if (COPY_STEPS.has(x.operation)) copied = true;
        }
        expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
        if (plan.kind !== 'manual') expect(plan.kind).toBe(control.metadata.remediation);
        if (control.metadata.remediation === 'manual') expect(plan.kind).toBe('manual');
      });

      it('product text stands on its own: no reference to notes a reader does not have', () => {
        const plan = planControl(control, s, p);
        const texts = [evaluateControl(control, s, p).reason, plan.summary, plan.disruption ?? '', plan.rollback ?? '', ...plan.steps.map((x) => x.title)];
        for (const t of texts) {
          expect(t).not.toMatch(/pitfall|controls\.md|platform\.md/i);
          expect(t).not.toMatch(/\(P[1-9]\)|\bP[1-9]:/);
        }
      });

      it('plan() does not throw on a passing or unread resource', () => {
        expect(() => planControl(control, { ref: s.ref }, p)).not.toThrow();
      });
    });
  }

  it('rejects a snapshot of the wrong kind', () => {
    expect(() => evaluateControl(getControl('SageMaker.1')!, model('m-1'), params())).toThrow(TypeError);
  });
});

describe('compliantName', () => {
  const valid = (n: string) => n.length <= MAX_NAME_LENGTH && RESOURCE_NAME_PATTERN.test(n);

  it('appends -secure, then -secure-2, -secure-3', () => {
    expect(compliantName('churn-monitor')).toBe('churn-monitor-secure');
    expect(compliantName('churn-monitor-secure')).toBe('churn-monitor-secure-2');
    expect(compliantName('churn-monitor-secure-2')).toBe('churn-monitor-secure-3');
    expect(compliantName('churn-monitor-secure-9')).toBe('churn-monitor-secure-10');
    expect(compliantName(compliantName(compliantName('a')))).toBe('a-secure-3');
  });

  it('is deterministic', () => {
    expect(compliantName('x-1')).toBe(compliantName('x-1'));
  });

  it('keeps names valid and within 63 characters, truncating the base', () => {
    const long = 'a'.repeat(63);
    expect(compliantName(long)).toBe(`${'a'.repeat(56)}-secure`);
    expect(compliantName(`${'b'.repeat(56)}-secure`)).toBe(`${'b'.repeat(54)}-secure-2`);
    const edge = [
      long,
      `${'a'.repeat(55)}-xxxxxxx`,
      `${'a'.repeat(55)}--secure`,
      `${'c'.repeat(50)}-secure-99`,
      `x-secure-${'9'.repeat(54)}`,
      'secure',
      '-secure',
      'a',
      'A1',
      'name_with_underscores',
      'a--b',
    ];
    for (const n of edge) {
      const out = compliantName(n);
      expect(valid(out), `${n} -> ${out}`).toBe(true);
      expect(out, n).not.toBe(n);
    }
  });

  it('never ends the truncated base with a hyphen', () => {
    expect(compliantName(`${'a'.repeat(55)}-bbbbbbb`)).toBe(`${'a'.repeat(55)}-secure`);
  });
});
