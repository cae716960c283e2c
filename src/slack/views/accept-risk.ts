import type { RiskTarget } from '../../risks/types.js';
import type { AcceptRiskField } from '../../risks/validate.js';
import { defaultExpiryDate } from '../../risks/validate.js';
import { plainSafe } from '../format.js';
import { code, escapeMrkdwn, truncate } from '../mrkdwn.js';
import type { KnownBlock } from '../blocks/types.js';

/** Slack ids for accepted risks (the Slack engineer's src/slack/ids.ts holds the proposal ones). */
export const RISK_ACTION_IDS = {
  /** "Accept risk" button on a proposal or a digest item: opens the modal. */
  accept: 'risk_accept',
  /** "Revoke" button in `/sagemaker-audit exceptions`. */
  revoke: 'risk_revoke',
} as const;

export const RISK_VIEW_CALLBACK_ID = 'risk_accept_submit';

/** Block ids of the modal's inputs; view validation errors are keyed by them. */
export const RISK_VIEW_BLOCKS: Record<AcceptRiskField | 'controls', string> = {
  reason: 'risk_reason',
  expiry: 'risk_expiry',
  scope: 'risk_scope',
  controls: 'risk_controls',
};
export const RISK_VIEW_ACTIONS: Record<AcceptRiskField | 'controls', string> = {
  reason: 'reason_input',
  expiry: 'expiry_input',
  scope: 'scope_input',
  controls: 'controls_input',
};

/**
 * What an "Accept risk" button carries: the finding itself (`t`), or a proposal id (`p`) whose results are looked up.
 * Compact JSON; ARNs are far below the 2000-character button value limit.
 */
export type AcceptRiskButtonValue = { t: [string, string, string, string, string] } | { p: string };

export function acceptRiskValue(source: RiskTarget | { proposalId: string }): string {
  const value: AcceptRiskButtonValue =
    'proposalId' in source ? { p: source.proposalId } : { t: [source.controlId, source.accountId, source.region, source.resourceArn, source.resourceName] };
  return JSON.stringify(value);
}

/** The "Accept risk" button, for a section accessory or an actions block. */
export function acceptRiskButton(source: RiskTarget | { proposalId: string }) {
  return { type: 'button' as const, action_id: RISK_ACTION_IDS.accept, text: { type: 'plain_text' as const, text: 'Accept risk' }, value: acceptRiskValue(source) };
}

export function parseAcceptRiskValue(value: string | undefined): { target: RiskTarget } | { proposalId: string } | null {
  if (!value) return null;
  try {
    const v = JSON.parse(value) as Partial<{ t: unknown; p: unknown }>;
    if (typeof v.p === 'string') return { proposalId: v.p };
    if (Array.isArray(v.t) && v.t.length === 5 && v.t.every((x) => typeof x === 'string')) {
      const [controlId, accountId, region, resourceArn, resourceName] = v.t as string[];
      return { target: { controlId: controlId!, accountId: accountId!, region: region!, resourceArn: resourceArn!, resourceName: resourceName! } };
    }
  } catch {
    // fall through
  }
  return null;
}

/**
 * Private metadata of the modal: the findings it can accept (one resource's failing controls, from a proposal; or one
 * finding), and where it came from, so the submission can answer in that thread.
 */
export interface AcceptRiskMetadata {
  targets: RiskTarget[];
  channelId?: string;
  threadTs?: string;
}

/** The "Accept risk" modal (views.open with the click's trigger_id); a choice of controls when there are several. */
export function acceptRiskView(meta: AcceptRiskMetadata, now: Date, maxDays: number) {
  const t = meta.targets[0]!;
  const controls = meta.targets.map((x) => x.controlId);
  const several = controls.length > 1;
  const option = (id: string) => ({ text: { type: 'plain_text' as const, text: truncate(plainSafe(id), 75) }, value: id });
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: truncate(
          `Accept the risk of *${escapeMrkdwn(controls.join(', '))}* failing for ${code(truncate(t.resourceName, 150))}\nAccount ${code(t.accountId)} · ${code(t.region)}\nWhile accepted, it is shown as SUPPRESSED and leaves the failure counts. It comes back on its own on the expiry date.`,
          3000,
        ),
      },
    },
    ...(several
      ? [
          {
            type: 'input' as const,
            block_id: RISK_VIEW_BLOCKS.controls,
            label: { type: 'plain_text' as const, text: 'Controls' },
            element: { type: 'checkboxes' as const, action_id: RISK_VIEW_ACTIONS.controls, options: controls.slice(0, 10).map(option), initial_options: controls.slice(0, 10).map(option) },
          },
        ]
      : []),
    {
      type: 'input',
      block_id: RISK_VIEW_BLOCKS.reason,
      label: { type: 'plain_text', text: 'Reason' },
      element: {
        type: 'plain_text_input',
        action_id: RISK_VIEW_ACTIONS.reason,
        multiline: true,
        max_length: 1000,
        placeholder: { type: 'plain_text', text: 'Why is this acceptable for now?' },
      },
    },
    {
      type: 'input',
      block_id: RISK_VIEW_BLOCKS.expiry,
      label: { type: 'plain_text', text: 'Accepted until' },
      hint: { type: 'plain_text', text: `At most ${maxDays} days from today.` },
      element: { type: 'datepicker', action_id: RISK_VIEW_ACTIONS.expiry, initial_date: defaultExpiryDate(now, maxDays) },
    },
    {
      type: 'input',
      block_id: RISK_VIEW_BLOCKS.scope,
      label: { type: 'plain_text', text: 'Covers' },
      element: {
        type: 'radio_buttons',
        action_id: RISK_VIEW_ACTIONS.scope,
        initial_option: { text: { type: 'plain_text', text: 'This resource' }, value: 'resource' },
        options: [
          { text: { type: 'plain_text', text: 'This resource' }, value: 'resource' },
          {
            text: { type: 'plain_text', text: truncate(plainSafe(`${several ? 'These controls' : t.controlId} for every resource in account ${t.accountId}`), 75) },
            value: 'control-in-account',
          },
        ],
      },
    },
  ];
  return {
    type: 'modal' as const,
    callback_id: RISK_VIEW_CALLBACK_ID,
    title: { type: 'plain_text' as const, text: 'Accept risk' },
    submit: { type: 'plain_text' as const, text: 'Accept' },
    close: { type: 'plain_text' as const, text: 'Cancel' },
    private_metadata: JSON.stringify(meta),
    blocks,
  };
}

type StateValue = { value?: string | null; selected_date?: string | null; selected_option?: { value?: string } | null; selected_options?: { value?: string }[] | null };

/** Reads the submitted values out of `view.state.values`; `controls` is null when the modal offered no choice. */
export function readAcceptRiskState(values: Record<string, Record<string, StateValue>>) {
  const chosen = values[RISK_VIEW_BLOCKS.controls]?.[RISK_VIEW_ACTIONS.controls]?.selected_options;
  return {
    reason: values[RISK_VIEW_BLOCKS.reason]?.[RISK_VIEW_ACTIONS.reason]?.value ?? null,
    expiry: values[RISK_VIEW_BLOCKS.expiry]?.[RISK_VIEW_ACTIONS.expiry]?.selected_date ?? null,
    scope: values[RISK_VIEW_BLOCKS.scope]?.[RISK_VIEW_ACTIONS.scope]?.selected_option?.value ?? null,
    controls: chosen ? chosen.map((o) => o.value ?? '') : null,
  };
}

/** `ack({response_action:'errors', errors})` payload, keyed by block id. */
export function viewErrors(errors: Partial<Record<AcceptRiskField | 'controls', string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, message] of Object.entries(errors) as [AcceptRiskField | 'controls', string][]) out[RISK_VIEW_BLOCKS[field]] = message;
  return out;
}
