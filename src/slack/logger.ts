import { LogLevel, type Logger as SlackLogger } from '@slack/bolt';
import type { Logger } from 'pino';

/**
 * The Slack SDKs' Logger interface (Bolt, the WebClient, Socket Mode) on top of pino, so their lines are JSON lines
 * of the app's log, blanked of secrets like every other, instead of raw `[WARN] web-api:…` lines on the console.
 */
export function slackSdkLogger(logger: Logger, component = 'bolt'): SlackLogger {
  let level = LogLevel.INFO;
  const child = logger.child({ component });
  return {
    debug: (...msg: unknown[]) => child.debug(msg.map(String).join(' ')),
    info: (...msg: unknown[]) => child.info(msg.map(String).join(' ')),
    warn: (...msg: unknown[]) => child.warn(msg.map(String).join(' ')),
    error: (...msg: unknown[]) => child.error(msg.map(String).join(' ')),
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}
