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

/** App Home's own elements (its Approve/Deny buttons are the proposals' ACTION_IDS). */
export const HOME_ACTION_IDS = {
  /** The channel the run buttons start in (a conversations_select; its value is read from the view's state). */
  channel: 'home_channel',
  audit: 'home_run_audit',
  digest: 'home_run_digest',
} as const;

/** Block ids of the Home view (unique within it; the run block's id keys the channel in `view.state.values`). */
export const HOME_BLOCK_IDS = {
  notice: 'home-notice',
  header: 'home-header',
  posture: 'home-posture',
  severity: 'home-severity',
  chart: 'home-chart',
  oldest: 'home-oldest',
  waiting: 'home-waiting',
  waitingItem: (proposalId: string) => `home-w-${proposalId}`,
  waitingActions: (proposalId: string) => `home-wa-${proposalId}`,
  waitingMore: 'home-waiting-more',
  expiring: 'home-expiring',
  runTitle: 'home-run-title',
  run: 'home-run',
  footer: 'home-footer',
};

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
