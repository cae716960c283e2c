import type { types } from '@slack/bolt';

/** Block Kit types, re-exported from Bolt (which depends on @slack/types) so builders need no extra dependency. */
export type KnownBlock = types.KnownBlock;
