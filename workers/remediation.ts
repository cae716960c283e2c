import { DelayedError, RateLimitError, UnrecoverableError, WaitingError, Worker } from 'bullmq';
import type { Job } from 'bullmq';
import type { RemediationJobData } from '../src/queue/jobs.js';
import { RemediationError } from '../src/remediation/errors.js';
import { RemediationStopped, runRemediation, type RemediationDeps, type RemediationResult } from '../src/remediation/run.js';

/**
 * The remediation queue's adapter: one BullMQ job = one approved proposal (job id `remediate-<proposalId>`), run by
 * src/remediation/run.ts. BullMQ specifics only: progress persisted with job.updateData, a remediation that stopped
 * for good fails without retry, an account over its rate hands its job back, and so does a run stopped by a shutdown
 * (back to the front of the waiting list, no attempt spent: the next worker resumes it).
 *
 * `rateLimit`: 'delay-job' (default) delays only this job until the account's window ends, other accounts keep
 * going; 'pause-queue' uses BullMQ's worker.rateLimit, which pauses the whole queue (its limiter is per queue).
 */
export type RateLimitStrategy = 'delay-job' | 'pause-queue';

/** How a delivery ended, for metrics: the result's status, or failed (for good), rate-limited, retry. */
export type DeliveryOutcome = RemediationResult['status'] | 'rate-limited' | 'retry';

export function remediationProcessor(
  deps: RemediationDeps,
  options: { rateLimit?: RateLimitStrategy; worker?: () => Worker | undefined; onDelivery?: (outcome: DeliveryOutcome) => void } = {},
) {
  return async (job: Job<RemediationJobData, RemediationResult>, token?: string): Promise<RemediationResult> => {
    const { execution, ...request } = job.data;
    try {
      const result = await runRemediation(
        {
          jobId: String(job.id),
          request,
          execution,
          attemptsStarted: job.attemptsStarted,
          attemptsMade: job.attemptsMade,
          attempts: job.opts.attempts ?? 1,
          async persist(next, progress) {
            await job.updateData({ ...job.data, execution: next });
            await job.updateProgress(progress);
          },
          async waitForRate(ms) {
            const worker = options.worker?.();
            if (options.rateLimit === 'pause-queue' && worker) {
              await worker.rateLimit(ms);
              throw Worker.RateLimitError();
            }
            if (!token) throw new RemediationError('rate limited', 'RateLimited', true);
            await job.moveToDelayed(Date.now() + ms, token);
            throw new DelayedError();
          },
          async handBack() {
            if (!token) throw new RemediationError('shutting down', 'Interrupted', true);
            await job.moveToWait(token);
            throw new WaitingError();
          },
        },
        deps,
      );
      options.onDelivery?.(result.status);
      return result;
    } catch (err) {
      const rateLimited = err instanceof DelayedError || err instanceof RateLimitError;
      options.onDelivery?.(err instanceof RemediationStopped ? 'failed' : rateLimited ? 'rate-limited' : 'retry');
      if (err instanceof RemediationStopped) throw new UnrecoverableError(err.message);
      throw err;
    }
  };
}
