import type { SessionIdentity } from '../aws/sessions.js';
import type { ProposalState } from './proposals.js';

/**
 * The model of a remediation's progress as people follow it: a phase, one line per plan step, and at the end an
 * outcome. The run (src/remediation/run.ts) keeps it current; a reporter shows it (the Slack one renders it as one
 * message in the proposal's thread, updated in place, and a result message).
 */

export type StepState = 'pending' | 'running' | 'done' | 'skipped' | 'failed' | 'dry-run' | 'retrying' | 'not-run';

export interface ProgressStep {
  title: string;
  state: StepState;
  /** What happened (or would happen in a dry run), or the error. */
  detail?: string;
}

export type ProgressPhase = 'checking' | 'running' | 'retrying' | 'paused' | 'verifying' | 'succeeded' | 'no-change' | 'failed' | 'dry-run-done';

export interface ProgressView {
  phase: ProgressPhase;
  steps: ProgressStep[];
  /** One line under the heading (gate results, retry notice). */
  note?: string | undefined;
  /** Delivery number of the job (more than 1: the job resumed). */
  attempt: number;
  /** Who CloudTrail shows making the fix's calls (the remediation role's session, or the audit's credentials). */
  identity?: SessionIdentity;
}

export type RemediationOutcome =
  | { kind: 'verified'; reason: string; periodic: boolean }
  | { kind: 'already-compliant'; reason: string }
  | { kind: 'dry-run'; wouldCalls: string[]; blocker?: string }
  | {
      kind: 'failed';
      /** What failed: the step title and the error (AWS error name and message). */
      what: string;
      error: string;
      rolledBack: string[];
      rollbackError?: string;
      humanAction: string;
      /** True when the plan stopped before any change (gates). */
      noChange: boolean;
    };

/** Where a remediation's progress goes. Every method is best effort: a reporter never fails the fix. */
export interface RemediationReporter {
  progress(view: ProgressView): Promise<void>;
  result(outcome: RemediationOutcome, durationMs: number): Promise<void>;
  /** The proposal reached a new state (e.g. succeeded, failed): the proposal message shows it. */
  proposalChanged(state: ProposalState): Promise<void>;
}
