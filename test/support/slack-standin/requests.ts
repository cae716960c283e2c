import { createHmac } from 'node:crypto';

/**
 * Builds and sends requests the way Slack does: form-encoded bodies (JSON for the Events API) signed with
 * HMAC-SHA256 (`v0:<ts>:<body>`). The payload builders are shared with the Socket Mode stand-in, which delivers the
 * same payloads inside envelopes.
 */

type Json = Record<string, unknown>;

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

/** A slash command's fields as Slack sends them: form fields over HTTP, a JSON object of strings over Socket Mode. */
export function slashCommandPayload(f: SlashCommandFields): Record<string, string> {
  return {
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
  };
}

export function slashCommandBody(f: SlashCommandFields): string {
  return new URLSearchParams(slashCommandPayload(f)).toString();
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

/** A `block_actions` payload for a button click on a message. */
export function blockActionsPayload(f: BlockActionFields): Json {
  return {
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
}

export function blockActionsBody(f: BlockActionFields): string {
  return new URLSearchParams({ payload: JSON.stringify(blockActionsPayload(f)) }).toString();
}

export interface HomeActionFields {
  actionId: string;
  value?: string;
  blockId?: string;
  userId: string;
  /** The Home view as published for the user (`standin.homeView(user)`): it is echoed back with `state`. */
  view: Json;
  /** `state.values` of the Home view: block_id → action_id → the element's state (e.g. a conversations_select's pick). */
  values?: Record<string, Record<string, Json>>;
  teamId?: string;
}

/**
 * A `block_actions` payload for a click on the app's Home tab: the container is the view, the view comes with its
 * state, and there is no channel, no message and no response_url.
 */
export function homeBlockActionsPayload(f: HomeActionFields): Json {
  const teamId = f.teamId ?? 'T0STANDIN';
  return {
    type: 'block_actions',
    user: { id: f.userId, username: f.userId.toLowerCase(), name: f.userId.toLowerCase(), team_id: teamId },
    api_app_id: 'A0STANDIN',
    token: 'deprecated-verification-token',
    container: { type: 'view', view_id: f.view.id },
    trigger_id: `trigger-${Math.random().toString(36).slice(2)}`,
    team: { id: teamId, domain: 'standin' },
    enterprise: null,
    is_enterprise_install: false,
    view: { ...f.view, state: { values: f.values ?? {} } },
    actions: [
      {
        type: 'button',
        action_id: f.actionId,
        block_id: f.blockId ?? 'block',
        ...(f.value !== undefined ? { value: f.value } : {}),
        text: { type: 'plain_text', text: 'button' },
        action_ts: String(Date.now() / 1000),
      },
    ],
  };
}

export function homeBlockActionsBody(f: HomeActionFields): string {
  return new URLSearchParams({ payload: JSON.stringify(homeBlockActionsPayload(f)) }).toString();
}

export interface ViewSubmissionFields {
  userId: string;
  /** The modal as the app opened it (e.g. `standin.views.get(id)`); its id, hash and metadata are echoed back. */
  view: Json;
  /** `state.values`: block_id → action_id → the element's state, e.g. `{ type: 'plain_text_input', value: 'x' }`. */
  values?: Record<string, Record<string, Json>>;
  teamId?: string;
}

/** A `view_submission` payload: the submitted modal with its `state.values`. */
export function viewSubmissionPayload(f: ViewSubmissionFields): Json {
  const teamId = f.teamId ?? 'T0STANDIN';
  return {
    type: 'view_submission',
    team: { id: teamId, domain: 'standin' },
    user: { id: f.userId, username: f.userId.toLowerCase(), name: f.userId.toLowerCase(), team_id: teamId },
    api_app_id: 'A0STANDIN',
    token: 'deprecated-verification-token',
    trigger_id: `trigger-${Math.random().toString(36).slice(2)}`,
    view: {
      team_id: teamId,
      type: 'modal',
      private_metadata: '',
      callback_id: '',
      hash: `${Math.floor(Date.now() / 1000)}.${Math.random().toString(16).slice(2, 10)}`,
      previous_view_id: null,
      root_view_id: f.view.id,
      app_id: 'A0STANDIN',
      external_id: '',
      app_installed_team_id: teamId,
      ...f.view,
      state: { values: f.values ?? {} },
    },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
}

export interface EventCallbackFields {
  teamId?: string;
  apiAppId?: string;
  /** The bot user the event is authorised for (`authorizations[0].user_id`). */
  botUserId?: string;
  /** Stable across retries of the same event; a fresh one by default. */
  eventId?: string;
  eventTime?: number;
}

/** The `event_callback` wrapper around an event, as the Events API sends it (over HTTP and inside events_api envelopes). */
export function eventCallbackPayload(event: Json, f: EventCallbackFields = {}): Json {
  const teamId = f.teamId ?? 'T0STANDIN';
  return {
    token: 'deprecated-verification-token',
    team_id: teamId,
    api_app_id: f.apiAppId ?? 'A0STANDIN',
    event,
    type: 'event_callback',
    event_id: f.eventId ?? `Ev0${Math.random().toString(36).slice(2, 10).toUpperCase()}`,
    event_time: f.eventTime ?? Math.floor(Date.now() / 1000),
    authorizations: [{ enterprise_id: null, team_id: teamId, user_id: f.botUserId ?? 'U0BOT', is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
  };
}

/** JSON body of an Events API request (Events API requests are JSON, not form-encoded). */
export function eventRequestBody(event: Json, f: EventCallbackFields = {}): string {
  return JSON.stringify(eventCallbackPayload(event, f));
}

/** The challenge Slack sends when a Request URL is saved; the app must answer with the challenge. */
export function urlVerificationBody(challenge: string): string {
  return JSON.stringify({ token: 'deprecated-verification-token', challenge, type: 'url_verification' });
}

type HeaderOverrides = Partial<Record<keyof SignedHeaders, string | undefined>> & Record<string, string | undefined>;

/** POSTs a signed body to a Bolt HTTP receiver; `headers` overrides (e.g. a wrong signature or an old timestamp). */
export async function postSigned(
  url: string,
  signingSecret: string,
  body: string,
  options: { timestamp?: number; headers?: HeaderOverrides } = {},
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

/**
 * POSTs a signed Events API request (`eventRequestBody` or `urlVerificationBody`) as JSON; `retryNum`/`retryReason`
 * add the `X-Slack-Retry-*` headers Slack sends on a redelivery (e.g. 1 and `http_timeout`).
 */
export function eventRequest(
  url: string,
  signingSecret: string,
  body: string,
  options: { timestamp?: number; retryNum?: number; retryReason?: string; headers?: HeaderOverrides } = {},
): Promise<{ status: number; text: string; ms: number }> {
  return postSigned(url, signingSecret, body, {
    timestamp: options.timestamp,
    headers: {
      'content-type': 'application/json',
      ...(options.retryNum === undefined ? {} : { 'x-slack-retry-num': String(options.retryNum), 'x-slack-retry-reason': options.retryReason ?? 'http_timeout' }),
      ...options.headers,
    },
  });
}
