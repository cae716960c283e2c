import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { readTags } from '../../aws/inventory.js';
import type { JsonValue, PlanStep } from '../../plans/plan.js';
import { PlanStoppedError, RemediationInterrupted, WaitTimeoutError, fromAwsError } from '../errors.js';

/**
 * What the executor keeps in the BullMQ job between deliveries (job.updateData), so a re-delivered job (crash,
 * SIGKILL, stall) resumes where it was and never repeats a destructive step.
 */
export interface ExecutionState {
  /** Step id → how it ended. A step listed here is never run again. */
  done: Record<string, StepRecord>;
  /** Complete copies (Describe output + tags) taken before any change, keyed `<kind>/<name>`. */
  savedCopies: Record<string, SavedCopy>;
  facts: ExecutionFacts;
}

export interface StepRecord {
  status: 'done' | 'skipped' | 'dry-run';
  detail: string;
  at: string;
}

export interface SavedCopy {
  kind: string;
  name: string;
  arn?: string;
  /** The Describe output, JSON (dates as ISO strings), without `$metadata`. */
  detail: { [key: string]: JsonValue };
  /** Every tag, `aws:` ones included (those cannot be set again and are skipped on restore). */
  tags: Record<string, string>;
  savedAt: string;
}

/** Things learned while running that later steps, a resumed run or the rollback need. */
export interface ExecutionFacts {
  /** The safety gates passed (a resumed run does not run them again: the resource has changed by then). */
  gatesPassed?: boolean;
  /** Notebook status when the plan began, and whether it counts as running (InService or Pending). */
  initialStatus?: string;
  wasRunning?: boolean;
  /** Names the plan is about to create (recorded before the call), and names it created. */
  createIntent?: string[];
  created?: string[];
  /** Monitoring schedules pointed at the new definition; endpoints switched to the new config. */
  repointed?: string[];
  switched?: string[];
  /** Schedules updated in place (SageMaker.14). */
  updatedSchedules?: string[];
  /** Old resources this plan deleted (their copies are in savedCopies). */
  deleted?: string[];
}

export function emptyExecutionState(): ExecutionState {
  return { done: {}, savedCopies: {}, facts: {} };
}

export interface ExecutionContext {
  sagemaker: SageMakerClient;
  /** Run every read and check, report the mutating calls it would make, make none. */
  dryRun: boolean;
  /** First delay between two polls of a wait (doubles up to maxPollIntervalMs). AWS waiters use 30 s. */
  pollIntervalMs: number;
  maxPollIntervalMs: number;
  /** Bound of the waits a step does without a maxWaitSeconds of its own (e.g. out of Pending before a stop). */
  defaultMaxWaitSeconds: number;
  /** The persisted state; steps change it and call `persist` before and after anything that cannot be undone. */
  state: ExecutionState;
  persist(): Promise<void>;
  /** Aborted when the process shuts down: the run stops at its next safe point (RemediationInterrupted). */
  signal?: AbortSignal;
  now?: () => Date;
}

export interface StepOutcome {
  status: 'done' | 'skipped' | 'dry-run';
  /** One line for Slack and the trail: what happened, or in a dry run what would have. */
  detail: string;
}

/** One run of one step: wraps the AWS calls so a dry run reports what it would send instead of sending it. */
export class StepRun {
  readonly wouldCalls: string[] = [];
  readonly notes: string[] = [];

  constructor(
    readonly ctx: ExecutionContext,
    readonly step: PlanStep,
  ) {}

  get client(): SageMakerClient {
    return this.ctx.sagemaker;
  }

  get dryRun(): boolean {
    return this.ctx.dryRun;
  }

  /** A read: always sent (also in a dry run). AWS errors become RemediationErrors naming the operation. */
  async read<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw fromAwsError(err, operation);
    }
  }

  /** A read that answers undefined when the resource does not exist. */
  async readOptional<T>(operation: string, fn: () => Promise<T>, isMissing: (err: unknown) => boolean): Promise<T | undefined> {
    try {
      return await fn();
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw fromAwsError(err, operation);
    }
  }

  /**
   * A mutating call. In a dry run it is only described ("would call UpdateNotebookInstance {RootAccess: Disabled}")
   * and answers undefined.
   */
  async mutate<T>(operation: string, shown: Record<string, unknown>, fn: () => Promise<T>): Promise<T | undefined> {
    if (this.ctx.dryRun) {
      this.wouldCalls.push(`would call ${formatCall(operation, shown)}`);
      return undefined;
    }
    try {
      return await fn();
    } catch (err) {
      throw fromAwsError(err, operation);
    }
  }

  /** The outcome of a step that acted (or, in a dry run, would have). */
  acted(detail: string): StepOutcome {
    if (this.ctx.dryRun) {
      const would = this.wouldCalls.length > 0 ? this.wouldCalls.join('; ') : `would: ${detail}`;
      return { status: 'dry-run', detail: [would, ...this.notes].join('; ') };
    }
    return { status: 'done', detail: [detail, ...this.notes].join('; ') };
  }

  skipped(detail: string): StepOutcome {
    return { status: 'skipped', detail };
  }
}

/** `UpdateNotebookInstance {RootAccess: Disabled, PlatformIdentifier: notebook-al2023-v1}` */
export function formatCall(operation: string, shown: Record<string, unknown>): string {
  const fields = Object.entries(shown)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}: ${formatValue(v)}`);
  return fields.length > 0 ? `${operation} {${fields.join(', ')}}` : operation;
}

function formatValue(v: unknown): string {
  if (v === null || typeof v !== 'object') return String(v);
  const json = JSON.stringify(v);
  return json.length > 120 ? `${json.slice(0, 119)}…` : json;
}

/** A wait between two polls; a shutdown ends it at once (the step runs again, from its start, on resume). */
const sleep = (ms: number, what: string, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    const interrupted = (): RemediationInterrupted => new RemediationInterrupted(`by waiting again for ${what}`);
    if (signal?.aborted) {
      reject(interrupted());
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(interrupted());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

export type PollVerdict<T> = { state: 'success'; value: T } | { state: 'failure'; message: string; code?: string } | { state: 'retry'; status: string };

/**
 * Bounded polling with the semantics of the SDK waiters (waitUntilNotebookInstanceStopped…): check, and on
 * `retry` wait (first `pollIntervalMs`, doubling up to `maxPollIntervalMs`) until `maxWaitSeconds` have passed;
 * `failure` stops at once. The first check happens immediately, so an already-reached state costs one read.
 */
export async function pollUntil<T>(
  ctx: ExecutionContext,
  what: string,
  maxWaitSeconds: number,
  check: () => Promise<PollVerdict<T>>,
): Promise<T> {
  const deadline = Date.now() + maxWaitSeconds * 1000;
  let delay = ctx.pollIntervalMs;
  let last = 'unknown';
  for (;;) {
    const verdict = await check();
    if (verdict.state === 'success') return verdict.value;
    if (verdict.state === 'failure') throw new PlanStoppedError(verdict.message, verdict.code ?? 'WaitFailed');
    last = verdict.status;
    const left = deadline - Date.now();
    if (left <= 0) {
      throw new WaitTimeoutError(`gave up waiting for ${what} after ${maxWaitSeconds} s (still ${last}); check it in the console and run the fix again`);
    }
    await sleep(Math.min(delay, left), what, ctx.signal);
    delay = Math.min(delay * 2, ctx.maxPollIntervalMs);
  }
}

export function copyKey(kind: string, name: string): string {
  return `${kind}/${name}`;
}

/** JSON-safe copy of an SDK output: no `$metadata`, dates as ISO strings, undefined fields dropped. */
export function toJson(value: object): { [key: string]: JsonValue } {
  const { $metadata: _m, ...rest } = value as { $metadata?: unknown };
  return JSON.parse(JSON.stringify(rest)) as { [key: string]: JsonValue };
}

export function addUnique(list: string[] | undefined, value: string): string[] {
  const out = list ?? [];
  if (!out.includes(value)) out.push(value);
  return out;
}

/**
 * True when every field of `expected` is present with the same value in `actual` (extra fields in `actual`, such as
 * defaults the service adds, are allowed). Arrays must match element by element.
 */
export function isSubset(expected: unknown, actual: unknown): boolean {
  if (expected === undefined || expected === null) return true;
  if (expected instanceof Date || actual instanceof Date) return String(expected) === String(actual);
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && actual.length === expected.length && expected.every((e, i) => isSubset(e, actual[i]));
  }
  if (typeof expected === 'object') {
    if (typeof actual !== 'object' || actual === null || Array.isArray(actual)) return false;
    return Object.entries(expected as Record<string, unknown>).every(([k, v]) => isSubset(v, (actual as Record<string, unknown>)[k]));
  }
  return expected === actual;
}

/** Tags that can be set again (`aws:` tags belong to AWS), as the SDK's Tag list. */
export function settableTags(tags: Record<string, string>): { Key: string; Value: string }[] {
  return Object.entries(tags)
    .filter(([k]) => !k.toLowerCase().startsWith('aws:'))
    .map(([Key, Value]) => ({ Key, Value }));
}

export function nowIso(ctx: ExecutionContext): string {
  return (ctx.now?.() ?? new Date()).toISOString();
}

/** Every tag of a resource (ListTags, paginated), as the inventory reads them. */
export function readAllTags(run: StepRun, arn: string): Promise<Record<string, string>> {
  return run.read('ListTags', () => readTags(run.client, arn));
}
