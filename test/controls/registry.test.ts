import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RESOURCE_KINDS } from '../../src/aws/resources.js';
import { needsFor } from '../../src/aws/inventory.js';
import { CONTROLS, UnknownControlError, compareControlIds, evaluateControl, getControl, selectControls } from '../../src/controls/index.js';
import { MAX_NAME_LENGTH, compliantName } from '../../src/controls/shared/names.js';
import { RESOURCE_NAME_PATTERN } from '../../src/validation.js';
import { DEFAULT_CONTROL_PARAMETERS } from '../../src/controls/parameters.js';
import { model, params } from './fixtures.js';

describe('control registry', () => {
  it('holds controls with unique SageMaker.N ids, in Security Hub order', () => {
    const ids = CONTROLS.map((c) => c.metadata.id);
    for (const id of ids) expect(id).toMatch(/^SageMaker\.\d+$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort(compareControlIds)).toEqual(ids);
  });

  it('getControl is case-insensitive and returns undefined for unknown ids', () => {
    expect(getControl('sagemaker.3')?.metadata.id).toBe('SageMaker.3');
    expect(getControl(' SAGEMAKER.25 ')?.metadata.id).toBe('SageMaker.25');
    expect(getControl('SageMaker.26')).toBeUndefined();
    expect(getControl('SageMaker.')).toBeUndefined();
  });

  it('the evidence each kind needs follows the metadata, and every kind has a control', () => {
    const byKind = (kind: string) => CONTROLS.filter((c) => c.metadata.resourceKind === kind).map((c) => c.metadata.id);
    expect(byKind('notebook-instance')).toEqual(['SageMaker.1', 'SageMaker.2', 'SageMaker.3', 'SageMaker.8', 'SageMaker.21']);
    expect(byKind('model-bias-job-definition')).toEqual(['SageMaker.12', 'SageMaker.15']);
    const needs = needsFor(CONTROLS);
    expect(needs.image).toEqual({ describe: false, tags: true });
    expect(needs['app-image-config']).toEqual({ describe: false, tags: true });
    expect(needs['notebook-instance']).toEqual({ describe: true, tags: false });
    expect(new Set(Object.keys(needs))).toEqual(new Set(RESOURCE_KINDS));
  });

  it('selectControls picks ids case-insensitively, once each, in Security Hub order, and refuses unknown ids', () => {
    expect(selectControls(['sagemaker.12', 'SageMaker.3', 'SAGEMAKER.12']).map((c) => c.metadata.id)).toEqual(['SageMaker.3', 'SageMaker.12']);
    expect(selectControls(undefined)).toHaveLength(CONTROLS.length);
    expect(() => selectControls(['SageMaker.99'])).toThrow(UnknownControlError);
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

  it("every control's test checks it against the contract (test/controls/contract.ts)", () => {
    const dir = fileURLToPath(new URL('./', import.meta.url));
    const tests = readdirSync(dir).filter((f) => f.endsWith('.test.ts')).map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
    for (const c of CONTROLS) {
      const exported = `sagemaker${c.metadata.id.slice('SageMaker.'.length)}`;
      expect(tests, `${c.metadata.id}: call describeControlContract(${exported}, …) in its test`).toMatch(new RegExp(`describeControlContract\\(${exported},`));
    }
  });

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
