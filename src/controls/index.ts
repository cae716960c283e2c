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

/** The catalog, in Security Hub order. Adding a control = its file, one line here, and its test. */
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

/** A control id the catalog does not have: the caller's input is wrong (the CLI exits 2, Slack answers with usage). */
export class UnknownControlError extends Error {
  constructor(readonly id: string, catalog: readonly AnyControl[]) {
    const ids = catalog.map((c) => c.metadata.id).sort(compareControlIds);
    super(`unknown control "${id}" (valid: ${ids.length > 0 ? `${ids[0]} … ${ids[ids.length - 1]}` : 'none registered'})`);
    this.name = 'UnknownControlError';
  }
}

/** `SageMaker.12` → 12 (for sorting). */
export function controlNumber(id: string): number {
  const n = Number(id.slice(id.lastIndexOf('.') + 1));
  return Number.isFinite(n) ? n : Number.MAX_SAFE_INTEGER;
}

export function compareControlIds(a: string, b: string): number {
  return controlNumber(a) - controlNumber(b) || a.localeCompare(b);
}

const LOOKUPS = new WeakMap<readonly AnyControl[], Map<string, AnyControl>>();

/** `getControl('sagemaker.3')` and `getControl('SageMaker.3')` both work; unknown ids give undefined. */
export function getControl(id: string, catalog: readonly AnyControl[] = CONTROLS): AnyControl | undefined {
  let byId = LOOKUPS.get(catalog);
  if (!byId) {
    byId = new Map(catalog.map((c) => [c.metadata.id.toLowerCase(), c]));
    LOOKUPS.set(catalog, byId);
  }
  return byId.get(id.trim().toLowerCase());
}

/**
 * The controls named by `ids` (case-insensitive, duplicates once), or the whole catalog when none are named, in
 * Security Hub order. Throws UnknownControlError for an id the catalog does not have.
 */
export function selectControls(ids: readonly string[] | undefined, catalog: readonly AnyControl[] = CONTROLS): AnyControl[] {
  const selected = !ids || ids.length === 0 ? [...catalog] : ids.map((id) => getControl(id, catalog) ?? fail(id));
  return [...new Set(selected)].sort((a, b) => compareControlIds(a.metadata.id, b.metadata.id));
  function fail(id: string): never {
    throw new UnknownControlError(id, catalog);
  }
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

