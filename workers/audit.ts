import { UnrecoverableError, type Job } from 'bullmq';
import type { AuditJobData, ShowNextJobData } from '../src/queue/jobs.js';
import { JOB_NAMES } from '../src/queue/names.js';
import { AuditFailed, postAuditThread, postNextProposals, type AuditJobResult, type AuditThreadDeps, type ShowNextResult } from '../src/slack/threads/audit.js';

/**
 * The audit queue's adapter: an audit and its Slack thread, or the next page of an audit's proposals ("Show next"),
 * both in src/slack/threads/audit.ts. A failed audit is never retried (it would post twice).
 */
export function auditProcessor(deps: AuditThreadDeps) {
  return async (job: Job<AuditJobData | ShowNextJobData, AuditJobResult | ShowNextResult>): Promise<AuditJobResult | ShowNextResult> => {
    const logged = { ...deps, ...(deps.logger ? { logger: deps.logger.child({ jobId: job.id }) } : {}) };
    if (job.name === JOB_NAMES.showNext) return postNextProposals(job.data as ShowNextJobData, logged);
    try {
      return await postAuditThread(job.data as AuditJobData, logged);
    } catch (err) {
      // The person sees why in the status message and can run the command again; a retry would post twice.
      if (err instanceof AuditFailed) throw new UnrecoverableError(err.message);
      throw err;
    }
  };
}
