import type { ResourceKind, ResourceSnapshot } from '../aws/resources.js';
import type { RemediationPlan } from '../plans/plan.js';
import { sagemaker1 } from './sagemaker-1.js';
import { sagemaker2 } from './sagemaker-2.js';
import { sagemaker3 } from './sagemaker-3.js';
import { sagemaker4 } from './sagemaker-4.js';
import { sagemaker5 } from './sagemaker-5.js';
import { sagemaker6 } from './sagemaker-6.js';
import { sagemaker7 } from './sagemaker-7.js';
import { sagemaker8 } from './sagemaker-8.js';
import { sagemaker9 } from './sagemaker-9.js';
import { sagemaker10 } from './sagemaker-10.js';
import { sagemaker11 } from './sagemaker-11.js';
import { sagemaker12 } from './sagemaker-12.js';
import { sagemaker13 } from './sagemaker-13.js';
import { sagemaker14 } from './sagemaker-14.js';
import { sagemaker15 } from './sagemaker-15.js';
import { sagemaker16 } from './sagemaker-16.js';
import { sagemaker17 } from './sagemaker-17.js';
import { sagemaker18 } from './sagemaker-18.js';
import { sagemaker19 } from './sagemaker-19.js';
import { sagemaker20 } from './sagemaker-20.js';
import { sagemaker21 } from './sagemaker-21.js';
import { sagemaker22 } from './sagemaker-22.js';
import { sagemaker23 } from './sagemaker-23.js';
import { sagemaker24 } from './sagemaker-24.js';
import { sagemaker25 } from './sagemaker-25.js';
import type { ControlParameters } from '../config.js';
import type { Control, Evaluation } from './types.js';

/** A control of any kind: the union of `Control<K>` over the kinds, so callers can narrow on `metadata.resourceKind`. */
export type AnyControl = { [K in ResourceKind]: Control<K> }[ResourceKind];

/** The catalog, in Security Hub order. Adding a control = adding its file and one line here. */
export const CONTROLS: readonly AnyControl[] = [
  sagemaker1,
  sagemaker2,
  sagemaker3,
  sagemaker4,
  sagemaker5,
  sagemaker6,
  sagemaker7,
  sagemaker8,
  sagemaker9,
  sagemaker10,
  sagemaker11,
  sagemaker12,
  sagemaker13,
  sagemaker14,
  sagemaker15,
  sagemaker16,
  sagemaker17,
  sagemaker18,
  sagemaker19,
  sagemaker20,
  sagemaker21,
  sagemaker22,
  sagemaker23,
  sagemaker24,
  sagemaker25,
];

export const CONTROL_IDS: readonly string[] = CONTROLS.map((c) => c.metadata.id);

const BY_ID = new Map<string, AnyControl>(CONTROLS.map((c) => [c.metadata.id.toLowerCase(), c]));

/** `getControl('sagemaker.3')` and `getControl('SageMaker.3')` both work; unknown ids give undefined. */
export function getControl(id: string): AnyControl | undefined {
  return BY_ID.get(id.trim().toLowerCase());
}

/** The controls that evaluate one resource kind, typed for that kind's snapshots. */
export function controlsByKind<K extends ResourceKind>(kind: K, controls: readonly AnyControl[] = CONTROLS): Control<K>[] {
  // The one cast: a control whose metadata.resourceKind is K is a Control<K>.
  return controls.filter((c) => c.metadata.resourceKind === kind) as unknown as Control<K>[];
}

/** The resource kinds a set of controls needs, in the order they first appear in the list. */
export function kindsForControls(controls: readonly AnyControl[]): ResourceKind[] {
  return [...new Set(controls.map((c) => c.metadata.resourceKind))];
}

/** What the collector must read for one kind, given the selected controls: Describe, tags, or both. */
export function evidenceFor(kind: ResourceKind, controls: readonly AnyControl[] = CONTROLS): { describe: boolean; tags: boolean } {
  const relevant = controls.filter((c) => c.metadata.resourceKind === kind);
  return {
    describe: relevant.some((c) => c.metadata.evidence.describe),
    tags: relevant.some((c) => c.metadata.evidence.tags),
  };
}

function checkKind(control: AnyControl, snapshot: ResourceSnapshot): void {
  if (snapshot.ref.kind !== control.metadata.resourceKind) {
    throw new TypeError(`${control.metadata.id} evaluates ${control.metadata.resourceKind}, not ${snapshot.ref.kind} (${snapshot.ref.arn})`);
  }
}

/** Evaluates any control on any snapshot, checking at run time that the kinds match. */
export function evaluateControl(control: AnyControl, snapshot: ResourceSnapshot, params: ControlParameters): Evaluation {
  checkKind(control, snapshot);
  return (control as Control).evaluate(snapshot, params);
}

/** Builds any control's plan for a snapshot of its kind. */
export function planControl(control: AnyControl, snapshot: ResourceSnapshot, params: ControlParameters): RemediationPlan {
  checkKind(control, snapshot);
  return (control as Control).plan(snapshot, params);
}

export { DEFAULT_CONTROL_PARAMETERS } from './parameters.js';
