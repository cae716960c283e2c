import type { RespondFn, SlashCommand } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { DigestStateStore } from '../digest/state.js';
import type { Producers } from '../queue/producers.js';
import type { ProposalStore } from '../remediation/proposals.js';
import type { RiskStore } from '../risks/store.js';
import type { AuditTrail } from '../trail.js';
import type { Approvers } from './approvers.js';
import type { HomeTab } from './threads/home.js';

/**
 * What the listeners need, in one object: they ack, check and enqueue, so queues, stores on the fail-fast Redis
 * connection, the approver rule, the configuration and a logger. Never an AWS client.
 */
export interface ListenerDeps {
  config: Config;
  producers: Producers;
  proposals: ProposalStore;
  trail: AuditTrail;
  risks: RiskStore;
  digestState: DigestStateStore;
  approvers: Approvers;
  /** App Home, published from what Redis holds. */
  home: HomeTab;
  /** Every valid control id, in display order (from the control registry). */
  controlIds: readonly string[];
  logger: Logger;
  now: () => Date;
}

/** What a `/sagemaker-audit` handler gets besides its parsed arguments. */
export interface CommandContext {
  command: SlashCommand;
  respond: RespondFn;
  client: WebClient;
  /** Digest of the signed HTTP request (absent in Socket Mode): the audit id derives from it. */
  requestDigest: string | undefined;
}
