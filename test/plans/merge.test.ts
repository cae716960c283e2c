import { describe, expect, it } from 'vitest';
import { getControl, planControl } from '../../src/controls/index.js';
import type { ResourceSnapshot } from '../../src/aws/resources.js';
import { joinSentences, mergePlans, type ControlPlan } from '../../src/plans/merge.js';
import { step, type RemediationPlan } from '../../src/plans/plan.js';
import { embeddedSchedule, jobDefinition, notebook, params } from '../controls/fixtures.js';

/** The controls' own plans for a snapshot, in the order given. */
function plansOf(snapshot: ResourceSnapshot, ids: string[], p = params()): ControlPlan[] {
  return ids.map((controlId) => ({ controlId, plan: planControl(getControl(controlId)!, snapshot, p) }));
}

describe('mergePlans: one plan per resource', () => {
  it('a notebook failing SageMaker.3 and .8: one stop, one update with both settings, one start; both claimed', () => {
    const nb = notebook({ RootAccess: 'Enabled', PlatformIdentifier: 'notebook-al2023-v0' });
    const merged = mergePlans(plansOf(nb, ['SageMaker.3', 'SageMaker.8'], params({ supportedPlatformIdentifiers: ['notebook-al2023-v1'] })));
    expect(merged.kind).toBe('in-place');
    // The steps of one control's plan: one stop, one update, one start.
    expect(merged.steps.map((s) => s.id)).toEqual(plansOf(nb, ['SageMaker.3'])[0]!.plan.steps.map((s) => s.id));
    expect(merged.steps.filter((s) => s.operation === 'notebook.stop-if-running')).toHaveLength(1);
    const update = merged.steps.find((s) => s.operation === 'notebook.update')!;
    expect(update.params).toEqual({ notebookName: 'nb-1', RootAccess: 'Disabled', PlatformIdentifier: 'notebook-al2023-v1' });
    expect(update.title).toBe('Update notebook `nb-1`: RootAccess=Disabled, PlatformIdentifier=notebook-al2023-v1');
    expect(merged.verify).toEqual({ controlIds: ['SageMaker.3', 'SageMaker.8'] });
    expect(merged.guided).toEqual([]);
    expect(merged.deferred).toEqual([]);
    // The sentence both plans share is said once.
    expect(merged.summary.match(/It is stopped, updated, and started again/g)).toHaveLength(1);
    expect(merged.summary).toContain('Disable root access');
    expect(merged.summary).toContain('Move notebook instance nb-1');
  });

  it('an AL2 notebook: the SageMaker.3 plan already moves the platform, so the merged step keeps its own title', () => {
    const nb = notebook({ RootAccess: 'Enabled', PlatformIdentifier: 'notebook-al2-v3' });
    const merged = mergePlans(plansOf(nb, ['SageMaker.3', 'SageMaker.8']));
    const update = merged.steps.find((s) => s.operation === 'notebook.update')!;
    expect(update.params).toEqual({ notebookName: 'nb-1', RootAccess: 'Disabled', PlatformIdentifier: 'notebook-al2023-v1' });
    expect(update.title).toBe(plansOf(nb, ['SageMaker.3'])[0]!.plan.steps.find((s) => s.id === 'update')!.title);
    expect(merged.verify.controlIds).toEqual(['SageMaker.3', 'SageMaker.8']);
  });

  it('a data quality definition failing SageMaker.9 and .11: one swap (both flags on in the copy), both claimed on the copy', () => {
    const def = jobDefinition('data-quality-job-definition', 'churn-data-quality', { EnableNetworkIsolation: false, EnableInterContainerTrafficEncryption: false });
    const merged = mergePlans(plansOf(def, ['SageMaker.9', 'SageMaker.11']));
    expect(merged.kind).toBe('recreate');
    expect(merged.steps.filter((s) => s.operation === 'job-definition.create-compliant')).toHaveLength(1);
    expect(merged.steps.find((s) => s.operation === 'job-definition.create-compliant')!.params).toMatchObject({
      enableNetworkIsolation: true,
      enableInterContainerTrafficEncryption: true,
    });
    expect(merged.verify).toEqual({ controlIds: ['SageMaker.9', 'SageMaker.11'], resourceName: 'churn-data-quality-secure' });
  });

  it('manual plans with the same steps are one guided fix; an automated plan beside them runs on its own', () => {
    const nb = notebook({ RootAccess: 'Enabled', DirectInternetAccess: 'Enabled', KmsKeyId: undefined });
    const merged = mergePlans(plansOf(nb, ['SageMaker.1', 'SageMaker.3', 'SageMaker.21']));
    expect(merged.kind).toBe('in-place');
    expect(merged.verify.controlIds).toEqual(['SageMaker.3']);
    expect(merged.guided).toHaveLength(1);
    expect(merged.guided[0]!.controlIds).toEqual(['SageMaker.1', 'SageMaker.21']);
    expect(merged.guided[0]!.steps.every((s) => s.operation === 'manual')).toBe(true);
  });

  it('nothing automated: a manual plan with no steps and nothing to verify, every control in a guided fix', () => {
    const schedule = embeddedSchedule('s-1', { EnableNetworkIsolation: true, EnableInterContainerTrafficEncryption: false });
    const merged = mergePlans(plansOf(schedule, ['SageMaker.22']));
    expect(merged).toMatchObject({ kind: 'manual', steps: [], verify: { controlIds: [] }, deferred: [] });
    expect(merged.guided.map((g) => g.controlIds)).toEqual([['SageMaker.22']]);
  });

  it('settings that conflict, or other steps, are deferred to the next audit, never merged', () => {
    const base = (id: string, params: Record<string, string>): RemediationPlan => ({
      kind: 'in-place',
      summary: `Fix ${id}.`,
      disruption: null,
      allowedStates: [],
      steps: [step('update', 'notebook.update', 'Update', { notebookName: 'nb', ...params })],
      verify: { controlId: id },
      rollback: null,
    });
    const conflict = mergePlans([
      { controlId: 'SageMaker.3', plan: base('SageMaker.3', { PlatformIdentifier: 'a' }) },
      { controlId: 'SageMaker.8', plan: base('SageMaker.8', { PlatformIdentifier: 'b' }) },
    ]);
    expect(conflict.verify.controlIds).toEqual(['SageMaker.3']);
    expect(conflict.deferred).toEqual(['SageMaker.8']);
    expect(conflict.steps[0]!.params).toEqual({ notebookName: 'nb', PlatformIdentifier: 'a' });

    const tags: RemediationPlan = { ...base('SageMaker.6', {}), steps: [step('tag', 'tags.add', 'Tag', { resourceArn: 'arn', tags: { a: 'b' } })] };
    const other = mergePlans([{ controlId: 'SageMaker.3', plan: base('SageMaker.3', {}) }, { controlId: 'SageMaker.6', plan: tags }]);
    expect(other.deferred).toEqual(['SageMaker.6']);

    // Operations that do not combine settings merge only equal steps.
    const tagsB: RemediationPlan = { ...tags, verify: { controlId: 'SageMaker.7' }, steps: [step('tag', 'tags.add', 'Tag', { resourceArn: 'arn', tags: { c: 'd' } })] };
    expect(mergePlans([{ controlId: 'SageMaker.6', plan: tags }, { controlId: 'SageMaker.7', plan: tagsB }]).deferred).toEqual(['SageMaker.7']);
  });

  it('plans that may start from no common state are not merged', () => {
    const schedule = embeddedSchedule('s-1', { EnableNetworkIsolation: false, EnableInterContainerTrafficEncryption: false });
    const [fourteen] = plansOf(schedule, ['SageMaker.14']);
    const encryption: RemediationPlan = {
      ...fourteen!.plan,
      allowedStates: ['Pending'],
      steps: fourteen!.plan.steps.map((s) => (s.id === 'update' ? { ...s, params: { scheduleName: 's-1', enableInterContainerTrafficEncryption: true } } : s)),
      verify: { controlId: 'SageMaker.22' },
    };
    expect(mergePlans([fourteen!, { controlId: 'SageMaker.22', plan: encryption }]).deferred).toEqual(['SageMaker.22']);
    const merged = mergePlans([fourteen!, { controlId: 'SageMaker.22', plan: { ...encryption, allowedStates: ['Scheduled', 'Pending'] } }]);
    expect(merged.deferred).toEqual([]);
    expect(merged.allowedStates).toEqual(['Scheduled']);
    expect(merged.steps[0]!.title).toBe('Set EnableNetworkIsolation=true and EnableInterContainerTrafficEncryption=true on schedule `s-1`');
  });
});

describe('joinSentences', () => {
  it('keeps each distinct sentence once, in order; nulls and empties give null', () => {
    expect(joinSentences(['A b. C d.', 'C d. E f (e.g. ml.g4dn).', null])).toBe('A b. C d. E f (e.g. ml.g4dn).');
    expect(joinSentences([null, ''])).toBeNull();
  });
});
