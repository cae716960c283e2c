import { createHmac } from 'node:crypto';

/**
 * Builds and sends requests the way Slack does: form-encoded bodies signed with HMAC-SHA256 (`v0:<ts>:<body>`).
 */

export interface SignedHeaders {
  'content-type': string;
  'x-slack-signature': string;
  'x-slack-request-timestamp': string;
}

export function sign(signingSecret: string, body: string, timestamp = Math.floor(Date.now() / 1000)): SignedHeaders {
  const signature = `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  return {
    'content-type': 'application/x-www-form-urlencoded',
    'x-slack-signature': signature,
    'x-slack-request-timestamp': String(timestamp),
  };
}

export interface SlashCommandFields {
  text?: string;
  userId?: string;
  channelId?: string;
  responseUrl: string;
  teamId?: string;
  triggerId?: string;
  command?: string;
}

export function slashCommandBody(f: SlashCommandFields): string {
  return new URLSearchParams({
    token: 'deprecated-verification-token',
    team_id: f.teamId ?? 'T0STANDIN',
    team_domain: 'standin',
    channel_id: f.channelId ?? 'C0AUDIT',
    channel_name: 'audit',
    user_id: f.userId ?? 'U0REQUESTER',
    user_name: 'requester',
    command: f.command ?? '/sagemaker-audit',
    text: f.text ?? '',
    api_app_id: 'A0STANDIN',
    is_enterprise_install: 'false',
    response_url: f.responseUrl,
    trigger_id: f.triggerId ?? `trigger-${Math.random().toString(36).slice(2)}`,
  }).toString();
}

export interface BlockActionFields {
  actionId: string;
  value: string;
  blockId?: string;
  userId: string;
  channelId?: string;
  messageTs: string;
  responseUrl: string;
  teamId?: string;
}

export function blockActionsBody(f: BlockActionFields): string {
  const payload = {
    type: 'block_actions',
    user: { id: f.userId, username: f.userId.toLowerCase(), name: f.userId.toLowerCase(), team_id: f.teamId ?? 'T0STANDIN' },
    api_app_id: 'A0STANDIN',
    token: 'deprecated-verification-token',
    container: { type: 'message', message_ts: f.messageTs, channel_id: f.channelId ?? 'C0AUDIT', is_ephemeral: false },
    trigger_id: `trigger-${Math.random().toString(36).slice(2)}`,
    team: { id: f.teamId ?? 'T0STANDIN', domain: 'standin' },
    channel: { id: f.channelId ?? 'C0AUDIT', name: 'audit' },
    message: { type: 'message', ts: f.messageTs, text: '' },
    response_url: f.responseUrl,
    actions: [
      {
        type: 'button',
        action_id: f.actionId,
        block_id: f.blockId ?? 'block',
        value: f.value,
        text: { type: 'plain_text', text: 'button' },
        action_ts: String(Date.now() / 1000),
      },
    ],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** POSTs a signed body to a Bolt HTTP receiver; `headers` overrides (e.g. a wrong signature or an old timestamp). */
export async function postSigned(
  url: string,
  signingSecret: string,
  body: string,
  options: { timestamp?: number; headers?: Partial<Record<keyof SignedHeaders, string | undefined>> } = {},
): Promise<{ status: number; text: string; ms: number }> {
  const headers: Record<string, string> = { ...sign(signingSecret, body, options.timestamp) };
  for (const [k, v] of Object.entries(options.headers ?? {})) {
    if (v === undefined) delete headers[k];
    else headers[k] = v;
  }
  const started = performance.now();
  const res = await fetch(url, { method: 'POST', headers, body });
  const text = await res.text();
  return { status: res.status, text, ms: performance.now() - started };
}
