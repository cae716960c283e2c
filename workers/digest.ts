import type { Job } from 'bullmq';
import type { DigestJobData } from '../src/queue/jobs.js';
import { schedulerTick } from '../src/queue/jobs.js';
import { postDigest, type DigestDeps, type DigestOutcome } from '../src/slack/threads/digest.js';

/**
 * The digest queue's adapter: a digest, scheduled (the tick is claimed once in Redis, so one digest per tick however
 * many workers run) or on demand (src/slack/threads/digest.ts).
 */
export function digestProcessor(deps: DigestDeps, onRun?: (outcome: 'posted' | 'skipped' | 'failed') => void, workerId = `w${process.pid}-${Math.random().toString(36).slice(2, 8)}`) {
  return async (job: Job<DigestJobData, DigestOutcome>): Promise<DigestOutcome> => {
    const logger = deps.logger?.child({ jobId: job.id });
    const tick = schedulerTick(job);
    let out: DigestOutcome;
    try {
      out = await postDigest(job.data, { ...deps, ...(logger ? { logger } : {}) }, { owner: `${workerId}:${job.id ?? ''}`, ...(tick ? { tick } : {}) });
    } catch (err) {
      onRun?.('failed');
      throw err;
    }
    onRun?.(out.posted ? 'posted' : 'skipped');
    logger?.info({ ...out, tick }, out.posted ? 'digest posted' : `digest skipped: ${out.skipped}`);
    return out;
  };
}
