import type { App } from '@slack/bolt';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { ProposalStore } from '../remediation/proposals.js';
import type { AuditTrail } from '../remediation/trail.js';
import { RiskStore } from '../risks/store.js';
import { registerRiskActions } from '../slack/actions/risks.js';
import type { ApproverCheck } from '../slack/approvers.js';
import type { SubcommandHandlers } from '../slack/commands/audit.js';
import { digestCommand } from '../slack/commands/digest.js';
import { exceptionsCommand } from '../slack/commands/exceptions.js';
import { createDigestProducer } from './queue.js';
import { DigestStateStore } from './state.js';

/**
 * The web side of the digest and accepted risks, in one call for the composition root: registers the
 * Accept risk / Revoke / Propose fix listeners and the modal, and returns the `digest` and `exceptions`
 * subcommand handlers. Uses the fail-fast (producer) connection.
 */
export function registerDigestAndRisks(
  app: App,
  config: Config,
  deps: { redis: Redis; proposals: ProposalStore; trail: AuditTrail; approvers: ApproverCheck; logger: Logger; now?: () => Date },
): { subcommands: SubcommandHandlers; close(): Promise<void> } {
  const prefix = config.app.queuePrefix;
  const risks = new RiskStore(deps.redis, prefix, deps.trail);
  const digestState = new DigestStateStore(deps.redis, prefix);
  const producer = createDigestProducer(deps.redis, prefix);
  registerRiskActions(app, {
    config: config.app,
    risks,
    proposals: deps.proposals,
    digestState,
    digestProducer: producer,
    trail: deps.trail,
    approvers: deps.approvers,
    logger: deps.logger.child({ component: 'risks' }),
    ...(deps.now ? { now: deps.now } : {}),
  });
  return {
    subcommands: {
      digest: digestCommand({ producer, logger: deps.logger }),
      exceptions: exceptionsCommand({ risks, approvers: deps.approvers, logger: deps.logger, ...(deps.now ? { now: deps.now } : {}) }),
    },
    close: () => producer.close(),
  };
}
