/**
 * Every Slack identifier the app owns, in one place: listeners match on these and builders emit them.
 * Queue names live in src/queue/names.ts.
 */
export const COMMAND = '/sagemaker-audit';

export const ACTION_IDS = {
  approve: 'proposal_approve',
  deny: 'proposal_deny',
  /** "Show next 10" at the end of an audit thread; value `<auditId>:<page>`. */
  showNext: 'audit_show_next',
} as const;

export type ActionId = (typeof ACTION_IDS)[keyof typeof ACTION_IDS];

/**
 * Block ids change with every iteration of a message (Slack: "If a message is updated, use a new block_id").
 * `version` is a short token of the state being rendered.
 */
export const BLOCK_IDS = {
  proposal: (proposalId: string, part: string, version: string) => `proposal-${proposalId}-${part}-${version}`,
  summary: (auditId: string, part: string) => `audit-${auditId}-${part}`,
  thread: (auditId: string, page: number, part: string) => `audit-${auditId}-p${page}-${part}`,
};

/** Slack's hard limits (Block Kit reference); builders stay at or under them. */
export const LIMITS = {
  blocksPerMessage: 50,
  sectionText: 3000,
  sectionFieldText: 2000,
  sectionFields: 10,
  headerText: 150,
  buttonText: 75,
  buttonValue: 2000,
  contextElements: 10,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  /** Message `text` is truncated by Slack beyond 40,000; best results under 4,000. */
  messageText: 4000,
} as const;
