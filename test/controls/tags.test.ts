import { describe, it, expect } from 'vitest';
import { sagemaker6 } from '../../src/controls/sagemaker-6.js';
import { sagemaker7 } from '../../src/controls/sagemaker-7.js';
import type { Control } from '../../src/controls/types.js';
import { describeControlContract } from './contract.js';
import { params, snapshot } from './fixtures.js';

type TagKind = 'app-image-config' | 'image';
const CASES: { control: Control<TagKind>; kind: TagKind; label: string }[] = [
  { control: sagemaker6, kind: 'app-image-config', label: 'app image configuration' },
  { control: sagemaker7, kind: 'image', label: 'image' },
];

for (const { control, kind, label } of CASES) {
  const id = control.metadata.id;
  const tagged = (tags: Record<string, string> | undefined) => snapshot(kind, 'custom-1', undefined, tags ? { tags } : {});

  describe(`${id} ${label} tags`, () => {
    it('needs tags only, no Describe, low severity', () => {
      expect(control.metadata).toMatchObject({ severity: 'LOW', evidence: { describe: false, tags: true }, checks: 'tags', remediation: 'in-place' });
    });
    it('passes with one non-aws tag when no keys are required', () => {
      expect(control.evaluate(tagged({ team: 'ml' }), params())).toEqual({
        status: 'PASSED',
        reason: `SageMaker ${label} custom-1 has 1 tag besides aws: system tags.`,
      });
    });
    it('fails with no tags or only aws: tags', () => {
      expect(control.evaluate(tagged({}), params()).status).toBe('FAILED');
      const r = control.evaluate(tagged({ 'aws:cloudformation:stack-name': 'ml', 'AWS:x': '1' }), params());
      expect(r).toEqual({ status: 'FAILED', reason: `SageMaker ${label} custom-1 has no tags besides aws: system tags.` });
    });
    it('requires every configured key, case-sensitively', () => {
      const p = params({ requiredTagKeys: ['Owner', 'CostCenter'] });
      expect(control.evaluate(tagged({ Owner: 'a', CostCenter: 'b' }), p).status).toBe('PASSED');
      expect(control.evaluate(tagged({ owner: 'a', CostCenter: 'b' }), p)).toEqual({
        status: 'FAILED',
        reason: `SageMaker ${label} custom-1 is missing required tag key Owner.`,
      });
    });
    it('is UNKNOWN when tags were not read (a Describe output does not help)', () => {
      const r = control.evaluate(tagged(undefined), params());
      expect(r.status).toBe('UNKNOWN');
      expect(r.reason).toContain('ListTags');
    });
    it('never answers NOT_APPLICABLE', () => {
      for (const tags of [{}, { a: 'b' }, { 'aws:x': 'y' }] as Record<string, string>[]) {
        for (const p of [params(), params({ requiredTagKeys: ['Owner'] })]) {
          expect(control.evaluate(tagged(tags), p).status).not.toBe('NOT_APPLICABLE');
        }
      }
    });
    it('plans one tags.add with the missing keys and their configured values', () => {
      const p = params({ requiredTagKeys: ['Owner', 'CostCenter'], remediationTagValues: { Owner: 'ml-platform', CostCenter: '4242', Extra: 'x' } });
      const s = tagged({ Owner: 'someone' });
      const plan = control.plan(s, p);
      expect(plan.kind).toBe('in-place');
      expect(plan.disruption).toBeNull();
      expect(plan.steps).toHaveLength(1);
      expect(plan.steps[0]?.operation).toBe('tags.add');
      expect(plan.steps[0]?.params).toEqual({ resourceArn: s.ref.arn, tags: { CostCenter: '4242' } });
    });
    it('is manual when a missing key has no configured value', () => {
      const plan = control.plan(tagged({}), params({ requiredTagKeys: ['Owner', 'CostCenter'], remediationTagValues: { Owner: 'ml' } }));
      expect(plan.kind).toBe('manual');
      expect(plan.summary).toContain('REMEDIATION_TAGS has no value for CostCenter');
      expect(plan.steps.every((s) => s.operation === 'manual')).toBe(true);
    });
    it('is manual when no keys are required', () => {
      const plan = control.plan(tagged({}), params({ remediationTagValues: { Owner: 'ml' } }));
      expect(plan.kind).toBe('manual');
      expect(plan.summary).toContain('REQUIRED_TAG_KEYS');
    });
    it('has nothing to do for a compliant resource', () => {
      const plan = control.plan(tagged({ Owner: 'a' }), params({ requiredTagKeys: ['Owner'], remediationTagValues: { Owner: 'b' } }));
      expect(plan.steps).toEqual([]);
    });
  });
}

const TAG_PARAMS = params({ requiredTagKeys: ['Owner'], remediationTagValues: { Owner: 'ml-platform' } });
describeControlContract(sagemaker6, snapshot('app-image-config', 'aic-1', undefined, { tags: {} }), TAG_PARAMS);
describeControlContract(sagemaker7, snapshot('image', 'img-1', undefined, { tags: { 'aws:x': 'y' } }), TAG_PARAMS);
