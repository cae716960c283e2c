/** Errors raised by the Slack side carry a code a log search can find and a message a person can act on. */
export type SlackAppErrorCode =
  | 'QUEUE_UNAVAILABLE'
  | 'CHANNEL_POST_FAILED'
  | 'PROPOSAL_NOT_FOUND'
  | 'APPROVER_LOOKUP_FAILED'
  | 'SLACK_UPDATE_FAILED';

export class SlackAppError extends Error {
  constructor(
    readonly code: SlackAppErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SlackAppError';
  }
}

/** The Slack platform error code (`not_in_channel`, …) of a WebClient error, if it is one. */
export function slackErrorCode(err: unknown): string | undefined {
  const data = (err as { data?: { error?: unknown } } | undefined)?.data;
  return typeof data?.error === 'string' ? data.error : undefined;
}

export function errorCode(err: unknown): string {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : 'UNEXPECTED';
}
