import type { Job } from 'bullmq';
import type { RiskJobData } from '../src/queue/jobs.js';
import { JOB_NAMES } from '../src/queue/names.js';
import { expireRisks, syncRisk, type RiskJobDeps, type RiskSyncRequest } from '../src/risks/jobs.js';

export type RiskJobResult = { expired: number } | { findings: number; unprocessed: number };

/** The risks queue's adapter: the hourly expiry and the Security Hub sync of one risk (src/risks/jobs.ts). */
export function risksProcessor(deps: RiskJobDeps, now: () => Date = () => new Date()) {
  return async (job: Job<RiskJobData, RiskJobResult>): Promise<RiskJobResult> => {
    if (job.name === JOB_NAMES.riskSync) return syncRisk(job.data as RiskSyncRequest, deps, now());
    return { expired: (await expireRisks(deps, now())).length };
  };
}
