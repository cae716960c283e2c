import type { WebClient } from '@slack/web-api';
import { slackErrorCode } from './errors.js';

/**
 * The bot token, checked once at start with auth.test: a token Slack refuses would otherwise start an app that
 * answers /healthz and drops every command. The answer is also the bot's identity, which Bolt then needs not ask for.
 */
export interface SlackIdentity {
  botId: string;
  botUserId: string;
  teamId: string | undefined;
}

/** Slack refused the token itself: a configuration problem (exit 2), not an outage. */
const TOKEN_ERRORS = new Set(['invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'token_expired', 'not_allowed_token_type', 'no_permission']);

export class SlackTokenRejected extends Error {
  readonly code = 'SLACK_TOKEN_REJECTED';
  constructor(readonly slackError: string) {
    super(`SLACK_BOT_TOKEN is not accepted by Slack (${slackError}); set the app's Bot User OAuth Token (xoxb-…)`);
    this.name = 'SlackTokenRejected';
  }
}

export async function verifyBotToken(client: WebClient): Promise<SlackIdentity> {
  let res: Awaited<ReturnType<WebClient['auth']['test']>>;
  try {
    res = await client.auth.test();
  } catch (err) {
    const code = slackErrorCode(err);
    if (code !== undefined && TOKEN_ERRORS.has(code)) throw new SlackTokenRejected(code);
    throw err;
  }
  if (!res.bot_id || !res.user_id) throw new SlackTokenRejected('not a bot token');
  return { botId: res.bot_id, botUserId: res.user_id, teamId: res.team_id };
}
