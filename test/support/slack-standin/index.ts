export { SlackStandin, messageProblem } from './server.js';
export type { RecordedCall, StoredMessage, EphemeralMessage, ResponseUrlPost, UploadedFile, SlackStandinOptions } from './server.js';
export { validateBlocks } from './validate.js';
export { sign, slashCommandBody, blockActionsBody, postSigned } from './requests.js';
export type { SignedHeaders, SlashCommandFields, BlockActionFields } from './requests.js';
