import { pino, type DestinationStream, type Logger } from 'pino';

/**
 * The JSON logger of every process, built so that no secret reaches a line whatever is logged: an error thrown by
 * the Slack or AWS SDK (which may carry request headers), a job's data, a Slack payload.
 *
 * - `redact` blanks known places by path (Authorization headers, tokens, response_urls, AWS credentials);
 * - every line is then scrubbed as text: each configured secret value, Slack tokens by their shape, Authorization
 *   and AWS session headers, response_url values, and passwords in redis:// URLs, wherever they appear, including
 *   inside error messages and nested JSON strings.
 */

const REDACTED = '[redacted]';

const PATHS = [
  'token',
  '*.token',
  'botToken',
  '*.botToken',
  'appToken',
  '*.appToken',
  'signingSecret',
  '*.signingSecret',
  'password',
  '*.password',
  'response_url',
  '*.response_url',
  '*.*.response_url',
  'responseUrl',
  '*.responseUrl',
  'headers.authorization',
  'headers.Authorization',
  '*.headers.authorization',
  '*.headers.Authorization',
  '*.*.headers.authorization',
  '*.*.headers.Authorization',
  'credentials',
  '*.credentials',
  'Credentials',
  '*.Credentials',
  'secretAccessKey',
  '*.secretAccessKey',
  'SecretAccessKey',
  '*.SecretAccessKey',
  'sessionToken',
  '*.sessionToken',
  'SessionToken',
  '*.SessionToken',
  // ioredis errors carry the failed command's arguments (AUTH's are the password; others may be job data).
  'err.command.args',
  '*.err.command.args',
  'command.args',
];

const SENSITIVE_KEYS = [
  'authorization',
  'x-amz-security-token',
  'cookie',
  'x-slack-signature',
  'response_url',
  'responseUrl',
  'password',
  'secretAccessKey',
  'sessionToken',
  'botToken',
  'appToken',
  'signingSecret',
];
/** `"key":"value"` for a sensitive key, the quotes possibly escaped (JSON inside a JSON string): value blanked. */
const SENSITIVE_JSON_KEYS = new RegExp(`(\\\\*"(?:${SENSITIVE_KEYS.join('|')})\\\\*"\\s*:\\s*\\\\*")(?:[^"\\\\]|\\\\(?!"))*`, 'gi');

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Scrubs one serialized line. Exported for the tests of the patterns. */
export function scrubber(secrets: readonly string[]): (line: string) => string {
  // Longest first, so a secret that contains another is blanked whole; JSON-escaped forms too.
  const values = [...new Set(secrets.flatMap((s) => [s, JSON.stringify(s).slice(1, -1)]))].sort((a, b) => b.length - a.length);
  const known = values.length > 0 ? new RegExp(values.map(escapeRegExp).join('|'), 'g') : undefined;
  return (line) => {
    let out = known ? line.replace(known, REDACTED) : line;
    out = out
      // Slack tokens by shape (bot, user, app-level, refresh, config tokens).
      .replace(/\bx(?:ox[abposre]|app)-[A-Za-z0-9-]{6,}/g, REDACTED)
      // Values of sensitive keys at any depth, as JSON (possibly escaped inside a string), and header lines.
      .replace(SENSITIVE_JSON_KEYS, `$1${REDACTED}`)
      .replace(/\b(authorization|x-amz-security-token)(\s*[:=]\s*)(?:Bearer |AWS4-HMAC-SHA256 )?[^\s",;]+/gi, `$1$2${REDACTED}`)
      // response_url in a form-encoded body.
      .replace(/(response_url=)[^&\s"]+/g, `$1${REDACTED}`)
      // Passwords in Redis URLs.
      .replace(/(rediss?:\/\/[^:/@\s"]*:)[^@\s"/]+@/g, `$1${REDACTED}@`);
    return out;
  };
}

export interface LoggerOptions {
  level: string;
  /** Fields on every line (service, role). */
  base: Record<string, unknown>;
  /** Values that must never appear in a line (Config.secrets). */
  secrets: readonly string[];
}

export function createLogger(options: LoggerOptions, destination?: DestinationStream): Logger {
  const scrub = scrubber(options.secrets);
  return pino(
    {
      level: options.level,
      base: options.base,
      redact: { paths: PATHS, censor: REDACTED },
      hooks: { streamWrite: scrub },
    },
    destination,
  );
}
