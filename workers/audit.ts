import { UnrecoverableError, type Job } from 'bullmq';
import type { AuditJobData } from '../src/queue/jobs.js';
import { AuditFailed, postAuditThread, type AuditJobResult, type AuditThreadDeps } from '../src/slack/threads/audit.js';

/** The audit queue's adapter: the audit and its Slack thread (src/slack/threads/audit.ts); a failed audit is never retried. */
export function auditProcessor(deps: AuditThreadDeps) {
  return async (job: Job<AuditJobData, AuditJobResult>): Promise<AuditJobResult> => {
    try {
      return await postAuditThread(job.data, { ...deps, ...(deps.logger ? { logger: deps.logger.child({ jobId: job.id }) } : {}) });
    } catch (err) {
      // The person sees why in the status message and can run the command again; a retry would post twice.
      if (err instanceof AuditFailed) throw new UnrecoverableError(err.message);
      throw err;
    }
  };
}
