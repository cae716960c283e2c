import type { JsonValue, PlanBody, PlanStep, RemediationPlan } from './plan.js';
import { SETTING_STEP_TITLES, type OperationName, type OperationParams } from './steps.js';

/** A fix a person carries out for the controls it covers: the bot shows it and never runs it. */
export interface GuidedFix {
  controlIds: string[];
  summary: string;
  disruption: string | null;
  steps: PlanStep[];
  rollback: string | null;
}

/**
 * One resource's fix: the plans of its failing controls merged, so one approval runs one set of steps (one stop,
 * update and start of a notebook for SageMaker.3 and .8; one swap of a job definition for all its flags). The steps
 * fix every control in `verify.controlIds`, each re-evaluated on a fresh read after them (on the compliant copy when
 * `resourceName` names one). Controls with no automatic fix stay visible as guided fixes. With no automatic fix at
 * all, `kind` is 'manual', there are no steps and nothing to verify.
 */
export interface ResourcePlan extends PlanBody {
  verify: { controlIds: string[]; resourceName?: string };
  guided: GuidedFix[];
  /**
   * Controls whose automatic fix cannot share these steps (other steps, or settings that conflict): the first audit
   * after this fix proposes them.
   */
  deferred: string[];
}

/** One failing control's plan for the resource. */
export interface ControlPlan {
  controlId: string;
  plan: RemediationPlan;
}

/** A plan the bot runs: not manual, and no step a person must do. */
export function isAutomated(plan: PlanBody): boolean {
  return plan.kind !== 'manual' && plan.steps.every((s) => s.operation !== 'manual');
}

/** JSON with sorted keys, so equal params compare equal whatever order they were written in. */
function canonical(value: JsonValue | undefined): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}

const sameJson = (a: JsonValue | undefined, b: JsonValue | undefined): boolean => canonical(a) === canonical(b);

/**
 * The params of two steps of one operation as one step: equal params, or, for an operation that applies every
 * setting it is given (SETTING_STEP_TITLES), the union of settings that do not conflict. Null when they cannot be one.
 */
function combineParams(operation: OperationName, a: PlanStep['params'], b: PlanStep['params']): PlanStep['params'] | null {
  if (sameJson(a, b)) return a;
  if (!SETTING_STEP_TITLES[operation]) return null;
  const out: PlanStep['params'] = { ...a };
  for (const [key, value] of Object.entries(b)) {
    if (key in out && !sameJson(out[key], value)) return null;
    out[key] = value;
  }
  return out;
}

/** Plans may start from any state when they list none; otherwise from the states all of them allow. */
function commonStates(a: readonly string[], b: readonly string[]): string[] | null {
  if (a.length === 0) return [...b];
  if (b.length === 0) return [...a];
  const both = a.filter((s) => b.includes(s));
  return both.length > 0 ? both : null;
}

/** `plan`'s steps folded into `steps`: same kind, same resource verified, same steps in the same order, params that combine. */
function combine(
  merged: { kind: PlanBody['kind']; steps: PlanStep[]; allowedStates: string[]; resourceName: string | undefined },
  plan: RemediationPlan,
): { steps: PlanStep[]; allowedStates: string[] } | null {
  if (plan.kind !== merged.kind || plan.verify.resourceName !== merged.resourceName || plan.steps.length !== merged.steps.length) return null;
  const allowedStates = commonStates(merged.allowedStates, plan.allowedStates);
  if (!allowedStates) return null;
  const steps: PlanStep[] = [];
  for (const [i, current] of merged.steps.entries()) {
    const other = plan.steps[i]!;
    if (other.id !== current.id || other.operation !== current.operation) return null;
    const params = combineParams(current.operation, current.params, other.params);
    if (!params) return null;
    steps.push({ ...current, params });
  }
  return { steps, allowedStates };
}

/** The distinct sentences of several texts, in order: the shared "it is stopped and started again" is said once. */
export function joinSentences(texts: readonly (string | null)[]): string | null {
  const seen = new Set<string>();
  for (const text of texts) {
    for (const sentence of (text ?? '').split(/(?<=\.)\s+(?=[A-Z])/)) {
      const s = sentence.trim();
      if (s !== '') seen.add(s);
    }
  }
  return seen.size > 0 ? [...seen].join(' ') : null;
}

/** A combined step keeps a plan's own title when its params are that plan's; otherwise its operation titles the settings. */
function titleOf(step: PlanStep, index: number, plans: readonly RemediationPlan[]): string {
  const own = plans.find((p) => sameJson(p.steps[index]?.params, step.params));
  if (own) return own.steps[index]!.title;
  const title = SETTING_STEP_TITLES[step.operation] as ((p: OperationParams[OperationName]) => string) | undefined;
  return title ? title(step.params as unknown as OperationParams[OperationName]) : step.title;
}

/** Manual plans with the same steps (a notebook rebuild fixes SageMaker.1, .2 and .21 alike) are one guided fix. */
function guidedFixes(parts: readonly ControlPlan[]): GuidedFix[] {
  const groups = new Map<string, ControlPlan[]>();
  for (const part of parts) {
    const key = canonical(part.plan.steps.map((s) => [s.id, s.title]));
    groups.set(key, [...(groups.get(key) ?? []), part]);
  }
  return [...groups.values()].map((group) => ({
    controlIds: group.map((g) => g.controlId),
    summary: joinSentences(group.map((g) => g.plan.summary)) ?? '',
    disruption: joinSentences(group.map((g) => g.plan.disruption)),
    steps: group[0]!.plan.steps,
    rollback: joinSentences(group.map((g) => g.plan.rollback)),
  }));
}

/**
 * Merges the plans of one resource's failing controls, most important first: the first automated plan, and every
 * other automated plan whose steps combine with it, become one plan that claims all their controls; automated plans
 * that do not combine are deferred; manual plans become guided fixes. Pure and deterministic.
 */
export function mergePlans(parts: readonly ControlPlan[]): ResourcePlan {
  const automated = parts.filter((p) => isAutomated(p.plan));
  const guided = guidedFixes(parts.filter((p) => !isAutomated(p.plan)));
  const [first, ...rest] = automated;
  if (!first) {
    return {
      kind: 'manual',
      summary: 'No automatic fix: a person carries out the guided steps, then runs the audit again.',
      disruption: null,
      allowedStates: [],
      steps: [],
      rollback: null,
      verify: { controlIds: [] },
      guided,
      deferred: [],
    };
  }
  const resourceName = first.plan.verify.resourceName;
  let merged = { kind: first.plan.kind, steps: first.plan.steps, allowedStates: [...first.plan.allowedStates], resourceName };
  const claimed: ControlPlan[] = [first];
  const deferred: string[] = [];
  for (const part of rest) {
    const next = combine(merged, part.plan);
    if (next) {
      merged = { ...merged, ...next };
      claimed.push(part);
    } else {
      deferred.push(part.controlId);
    }
  }
  const plans = claimed.map((c) => c.plan);
  return {
    kind: merged.kind,
    summary: joinSentences(plans.map((p) => p.summary)) ?? '',
    disruption: joinSentences(plans.map((p) => p.disruption)),
    allowedStates: merged.allowedStates,
    steps: merged.steps.map((s, i) => ({ ...s, title: titleOf(s, i, plans) })),
    rollback: joinSentences(plans.map((p) => p.rollback)),
    verify: { controlIds: claimed.map((c) => c.controlId), ...(resourceName !== undefined ? { resourceName } : {}) },
    guided,
    deferred,
  };
}
