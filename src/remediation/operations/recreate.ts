import type { RecreatableKind } from '../../aws/kinds/index.js';
import type { JsonValue } from '../../plans/plan.js';
import { isNotFound } from '../../aws/errors.js';
import { PlanStoppedError, RemediationError, isAlreadyExists } from '../errors.js';
import { addUnique, copyKey, isSubset, nowIso, readAllTags, settableTags, toJson } from './step-run.js';
import type { SavedCopy, StepRun } from './step-run.js';

/**
 * What the two swaps of immutable resources share (job definitions, endpoint configurations): a complete copy saved in
 * the job before anything changes, a compliant copy created under a new name, and the pieces of their undo.
 */

type Json = { [key: string]: JsonValue };

/** The Describe output (JSON-safe), or undefined when the resource does not exist. */
export async function describeIfExists(run: StepRun, kind: RecreatableKind, name: string): Promise<Json | undefined> {
  const out = await run.readOptional(kind.describe.operation, () => kind.describe.call(run.client, name), isNotFound);
  return out ? toJson(out) : undefined;
}

/** The Create input that reproduces a described resource: every field copied, the name and tags given. */
export function createInputFrom(kind: RecreatableKind, detail: Json, name: string, tags: Record<string, string>): Record<string, unknown> {
  const outputOnly = new Set([kind.arnField, ...kind.outputOnly]);
  const input: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(detail)) if (!outputOnly.has(k)) input[k] = v;
  input[kind.nameField] = name;
  const settable = settableTags(tags);
  if (settable.length > 0) input.Tags = settable;
  return input;
}

/** Saves (once) a complete copy of the resource and its tags in the job, before any change; returns it. */
export async function saveCopy(run: StepRun, kind: RecreatableKind, name: string): Promise<{ copy: SavedCopy; saved: boolean }> {
  const key = copyKey(kind.kind, name);
  const existing = run.ctx.state.savedCopies[key];
  if (existing) return { copy: existing, saved: false };
  const detail = await describeIfExists(run, kind, name);
  if (!detail) throw new PlanStoppedError(`${kind.label} ${name} no longer exists`, 'ResourceNotFound');
  const arn = detail[kind.arnField];
  if (typeof arn !== 'string') throw new RemediationError(`${kind.describe.operation} returned no ${kind.arnField} for ${name}`, 'IncompleteDescribe', false);
  const tags = await readAllTags(run, arn);
  const copy: SavedCopy = { kind: kind.kind, name, arn, detail, tags, savedAt: nowIso(run.ctx) };
  run.ctx.state.savedCopies[key] = copy;
  await run.ctx.persist();
  return { copy, saved: true };
}

/**
 * Creates the compliant copy `input` names (built from the saved copy), unless it already exists with those
 * settings (a resumed job). A same-named resource with other settings was not made by this fix: the plan stops.
 * The name is recorded before the call, so a crash right after it still knows the new resource is ours to remove.
 */
export async function createCopy(run: StepRun, kind: RecreatableKind, input: Record<string, unknown>, shown: Record<string, unknown>): Promise<'created' | 'existed'> {
  const newName = String(input[kind.nameField]);
  const { [kind.nameField]: _name, Tags: _tags, ...expected } = input;
  const existing = await describeIfExists(run, kind, newName);
  if (existing) {
    if (isSubset(expected, existing)) return 'existed';
    throw new PlanStoppedError(
      `${kind.label} ${newName} already exists with different settings; it was not made by this fix. Rename or delete it, then run /sagemaker-audit again`,
      'NameTaken',
    );
  }
  const facts = run.ctx.state.facts;
  if (!run.dryRun) {
    facts.createIntent = addUnique(facts.createIntent, newName);
    await run.ctx.persist();
  }
  try {
    await createOnce(run, kind, input, { [kind.nameField]: newName, ...shown }, expected);
  } catch (err) {
    // Someone else's resource under that name: never this fix's to remove.
    if (err instanceof PlanStoppedError && err.code === 'NameTaken' && !run.dryRun) {
      facts.createIntent = (facts.createIntent ?? []).filter((n) => n !== newName);
      await run.ctx.persist();
    }
    throw err;
  }
  if (!run.dryRun) {
    facts.created = addUnique(facts.created, newName);
    await run.ctx.persist();
  }
  return 'created';
}

/**
 * Create, once. When SageMaker answers that the name is taken although the Describe before found nothing, a first
 * attempt went through and only its answer was lost (the SDK retried a 5xx or a dropped connection): the resource is
 * there with the settings sent, and the step goes on. Anything else under that name was not made by this fix.
 */
async function createOnce(run: StepRun, kind: RecreatableKind, input: Record<string, unknown>, shown: Record<string, unknown>, expected: Record<string, unknown>): Promise<void> {
  try {
    await run.mutate(kind.create.operation, shown, () => kind.create.call(run.client, input));
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
    const name = String(input[kind.nameField]);
    const existing = await describeIfExists(run, kind, name);
    if (!existing || !isSubset(expected, existing)) {
      throw new PlanStoppedError(`${kind.label} ${name} was created by someone else meanwhile, with other settings; rename or delete it, then run /sagemaker-audit again`, 'NameTaken');
    }
  }
}

/** Delete, once: a retried Delete whose first attempt went through (its answer lost) meets "not found", which is done. */
async function deleteOnce(run: StepRun, kind: RecreatableKind, name: string): Promise<void> {
  try {
    await run.mutate(kind.delete.operation, { [kind.nameField]: name }, () => kind.delete.call(run.client, name));
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

/** Deletes the old resource once nothing uses it; its copy must be in the job. */
export async function deleteIfUnused(run: StepRun, kind: RecreatableKind, name: string, usersOf: () => Promise<string[]>, usersLabel: string): Promise<'deleted' | 'gone'> {
  if (!run.ctx.state.savedCopies[copyKey(kind.kind, name)]) {
    throw new RemediationError(`refusing to delete ${name}: no copy of it is saved in the job`, 'NoSnapshot', false);
  }
  if (!(await describeIfExists(run, kind, name))) return 'gone';
  const users = await usersOf();
  if (users.length > 0 && !run.dryRun) {
    throw new RemediationError(`refusing to delete ${name}: still used by ${usersLabel} ${users.join(', ')}`, 'StillInUse', false);
  }
  if (users.length > 0) run.notes.push(`in a real run the ${usersLabel} ${users.join(', ')} would have been moved first`);
  await deleteOnce(run, kind, name);
  if (!run.dryRun) {
    run.ctx.state.facts.deleted = addUnique(run.ctx.state.facts.deleted, name);
    await run.ctx.persist();
  }
  return 'deleted';
}

/** Undo, step 1: the original exists again (recreated from its saved copy, same name and tags) before anything points back at it. */
export async function restoreOriginal(run: StepRun, kind: RecreatableKind, name: string): Promise<string[]> {
  if (await describeIfExists(run, kind, name)) return [];
  const saved = run.ctx.state.savedCopies[copyKey(kind.kind, name)];
  if (!saved) throw new RemediationError(`${name} is gone and no copy of it was saved`, 'NoSnapshot', false);
  const input = createInputFrom(kind, saved.detail, name, saved.tags);
  const { [kind.nameField]: _name, Tags: _tags, ...expected } = input;
  await createOnce(run, kind, input, { [kind.nameField]: name }, expected);
  return [`recreated ${name} from its saved copy (same name and tags)`];
}

/** Whether this plan made (or was about to make) the resource `name`: only then may its undo delete it. */
export function madeByThisPlan(run: StepRun, name: string): boolean {
  const facts = run.ctx.state.facts;
  return (facts.created ?? []).includes(name) || (facts.createIntent ?? []).includes(name);
}

/** Undo, last step: the copy this plan made goes, once nothing uses it. */
export async function removeCopyIfUnused(run: StepRun, kind: RecreatableKind, name: string, users: string[]): Promise<string[]> {
  if (!madeByThisPlan(run, name) || !(await describeIfExists(run, kind, name))) return [];
  if (users.length > 0) return [`kept ${name}: still used by ${users.join(', ')} (delete it once they have moved back)`];
  await deleteOnce(run, kind, name);
  return [`deleted the new ${kind.label} ${name}`];
}
