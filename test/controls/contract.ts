import { describe, expect, it } from 'vitest';
import type { ResourceSnapshot } from '../../src/aws/resources.js';
import type { ControlParameters } from '../../src/config.js';
import { evaluateControl, planControl, type AnyControl } from '../../src/controls/index.js';
import { compliantName } from '../../src/controls/shared/names.js';
import { automatedOperation } from '../../src/remediation/operations/index.js';

const COPY_STEPS = new Set(['job-definition.snapshot', 'endpoint-config.create-copy']);

/**
 * What every control owes, checked on one snapshot it fails: a one-sentence reason naming the resource, UNKNOWN (never
 * PASSED) without evidence, a plan of allow-listed operations with a copy before anything destructive, and product
 * text that stands on its own. Each control's own test calls it; the registry test checks that every control does.
 */
export function describeControlContract(control: AnyControl, failing: ResourceSnapshot, p: ControlParameters): void {
  const id = control.metadata.id;
  describe(`${id} contract`, () => {
    it('fails its example with a one-sentence reason naming the resource', () => {
      const r = evaluateControl(control, failing, p);
      expect(r.status).toBe('FAILED');
      expect(r.reason.startsWith('SageMaker ')).toBe(true);
      expect(r.reason).toContain(failing.ref.name);
      expect(r.reason.endsWith('.')).toBe(true);
      expect(r.reason).not.toMatch(/\.\s+[A-Z]/);
    });

    it('is UNKNOWN, never PASSED, with no evidence', () => {
      expect(evaluateControl(control, { ref: failing.ref }, p).status).toBe('UNKNOWN');
    });

    it('plans only allow-listed operations, copies before destroying, and states its remediation kind', () => {
      const plan = planControl(control, failing, p);
      expect(plan.verify).toEqual(plan.kind === 'recreate' ? { controlId: id, resourceName: compliantName(failing.ref.name) } : { controlId: id });
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
      const plan = planControl(control, failing, p);
      const texts = [evaluateControl(control, failing, p).reason, plan.summary, plan.disruption ?? '', plan.rollback ?? '', ...plan.steps.map((x) => x.title)];
      for (const t of texts) {
        expect(t).not.toMatch(/pitfall|controls\.md|platform\.md/i);
        expect(t).not.toMatch(/\(P[1-9]\)|\bP[1-9]:/);
      }
    });

    it('plan() does not throw on a passing or unread resource', () => {
      expect(() => planControl(control, { ref: failing.ref }, p)).not.toThrow();
    });
  });
}
