export { registerAuditCommand, auditIdFor } from './commands/audit.js';
export type { SubcommandHandlers, SubcommandContext } from './commands/audit.js';
export { registerProposalActions } from './actions/proposal.js';
export { proposalBlocks, proposalMessage, proposalText } from './blocks/proposal.js';
export { ACTION_IDS, BLOCK_IDS, COMMAND, LIMITS } from './ids.js';
