export { SlackStandin, messageProblem } from './server.js';
export type { RecordedCall, StoredMessage, EphemeralMessage, ResponseUrlPost, UploadedFile, SlackStandinOptions } from './server.js';
export { validateBlocks } from './validate.js';
export type { BlockContext } from './validate.js';
export { SocketModeStandin, SocketModeDeliveryError } from './socket-mode.js';
export type { AckResult, ConnectionRecord, DisconnectReason, EnvelopeType, SocketAck, SocketDelivery, SocketEnvelope, SocketModeOptions } from './socket-mode.js';
export {
  sign,
  slashCommandBody,
  slashCommandPayload,
  blockActionsBody,
  blockActionsPayload,
  homeBlockActionsBody,
  homeBlockActionsPayload,
  viewSubmissionPayload,
  eventCallbackPayload,
  eventRequestBody,
  urlVerificationBody,
  postSigned,
  eventRequest,
} from './requests.js';
export type { SignedHeaders, SlashCommandFields, BlockActionFields, HomeActionFields, ViewSubmissionFields, EventCallbackFields } from './requests.js';
