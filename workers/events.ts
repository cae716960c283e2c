import type { Job } from 'bullmq';
import type { ResourceEventJobData } from '../src/queue/jobs.js';
import { handleResourceEvent, type ResourceEventDeps, type ResourceEventOutcome } from '../src/slack/threads/resource-events.js';

/** The events queue's adapter: one job = one changed resource, audited and reconciled (src/slack/threads/resource-events.ts). */
export function eventsProcessor(deps: ResourceEventDeps, onDone?: (data: ResourceEventJobData, outcomes: ResourceEventOutcome[]) => void) {
  return async (job: Job<ResourceEventJobData, ResourceEventOutcome[]>): Promise<ResourceEventOutcome[]> => {
    const outcomes = await handleResourceEvent(job.data, deps);
    onDone?.(job.data, outcomes);
    return outcomes;
  };
}
