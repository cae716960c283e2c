/**
 * Block Kit checks the Slack stand-in applies, with the limits Slack documents.
 * Returns the first problem as a human-readable string, or null when the blocks would be accepted.
 */

type Json = Record<string, unknown>;

const KNOWN_BLOCKS = new Set([
  'section',
  'header',
  'actions',
  'context',
  'divider',
  'image',
  'rich_text',
  'input',
  'markdown',
  'file',
  'video',
]);

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What the validator may ask the stand-in while checking blocks. */
export interface BlockContext {
  /** Whether `slack_file` (`{id}` or `{url}`) names a completed upload the workspace knows. */
  knowsSlackFile?: (ref: { id?: string; url?: string }) => boolean;
}

const SLACK_FILE_ID = /^[F][A-Z0-9]{8,}$/;

/** `blocks[0].accessory` → `/blocks/0/accessory`, the json-pointer Slack quotes in its error messages. */
function pointer(where: string): string {
  return `/${where.replace(/\[(\d+)\]/g, '.$1').split('.').join('/')}`;
}

/**
 * An image (block or element) takes exactly one of `image_url` or `slack_file`; `slack_file` takes exactly one of
 * `id` or `url`, and must name a file the workspace has. Messages for slack_file use Slack's own wording.
 */
function imageSource(value: Json, where: string, ctx: BlockContext): string | null {
  const hasUrl = value.image_url !== undefined;
  const hasFile = value.slack_file !== undefined;
  if (hasUrl === hasFile) return `${where}: image needs exactly one of image_url or slack_file`;
  if (hasUrl) {
    return typeof value.image_url === 'string' && value.image_url.length > 0 && value.image_url.length <= 3000
      ? null
      : `${where}.image_url: must be a URL of at most 3000 characters`;
  }
  const file = value.slack_file;
  if (!isObject(file) || (file.id === undefined) === (file.url === undefined)) {
    return `${where}.slack_file: needs exactly one of id or url`;
  }
  if (file.id !== undefined && (typeof file.id !== 'string' || !SLACK_FILE_ID.test(file.id))) {
    return `input must match regex pattern: ^[F][A-Z0-9]{8,}$ [json-pointer:${pointer(where)}/slack_file/id]`;
  }
  if (file.url !== undefined && typeof file.url !== 'string') return `${where}.slack_file.url: must be a string`;
  const ref = { id: file.id as string | undefined, url: file.url as string | undefined };
  if (ctx.knowsSlackFile && !ctx.knowsSlackFile(ref)) return `invalid slack file [json-pointer:${pointer(where)}/slack_file]`;
  return null;
}

function textObject(value: unknown, where: string, max: number, plainOnly = false): string | null {
  if (!isObject(value)) return `${where}: must be a text object`;
  const type = value.type;
  if (type !== 'plain_text' && type !== 'mrkdwn') return `${where}: unknown text type ${String(type)}`;
  if (plainOnly && type !== 'plain_text') return `${where}: must be plain_text`;
  if (typeof value.text !== 'string') return `${where}.text: must be a string`;
  if (value.text.length < 1) return `${where}.text: must be at least 1 character`;
  if (value.text.length > max) return `${where}.text: ${value.text.length} > ${max} characters`;
  return null;
}

function confirmObject(value: unknown, where: string): string | null {
  if (value === undefined) return null;
  if (!isObject(value)) return `${where}: must be an object`;
  return (
    textObject(value.title, `${where}.title`, 100, true) ??
    textObject(value.text, `${where}.text`, 300) ??
    textObject(value.confirm, `${where}.confirm`, 30, true) ??
    textObject(value.deny, `${where}.deny`, 30, true)
  );
}

function element(value: unknown, where: string, ctx: BlockContext): string | null {
  if (!isObject(value)) return `${where}: must be an object`;
  if (typeof value.action_id === 'string' && value.action_id.length > 255) return `${where}.action_id: > 255 characters`;
  switch (value.type) {
    case 'button': {
      const t = textObject(value.text, `${where}.text`, 75, true);
      if (t) return t;
      if (value.value !== undefined && (typeof value.value !== 'string' || value.value.length > 2000)) return `${where}.value: > 2000 characters`;
      if (value.url !== undefined && (typeof value.url !== 'string' || value.url.length > 3000)) return `${where}.url: > 3000 characters`;
      if (value.style !== undefined && value.style !== 'primary' && value.style !== 'danger') return `${where}.style: invalid`;
      return confirmObject(value.confirm, `${where}.confirm`);
    }
    case 'image':
      if (typeof value.alt_text !== 'string') return `${where}.alt_text: required`;
      return imageSource(value, where, ctx);
    case 'static_select':
    case 'multi_static_select':
    case 'overflow':
    case 'datepicker':
    case 'plain_text_input':
    case 'users_select':
    case 'conversations_select':
    case 'channels_select':
    case 'checkboxes':
    case 'radio_buttons':
      return null;
    default:
      return `${where}: unknown element type ${String(value.type)}`;
  }
}

function contextElement(value: unknown, where: string, ctx: BlockContext): string | null {
  if (isObject(value) && (value.type === 'plain_text' || value.type === 'mrkdwn')) return textObject(value, where, 3000);
  if (isObject(value) && value.type === 'image') return element(value, where, ctx);
  return `${where}: context elements are text or image`;
}

function block(value: unknown, where: string, ctx: BlockContext): string | null {
  if (!isObject(value)) return `${where}: must be an object`;
  const type = value.type;
  if (typeof type !== 'string' || !KNOWN_BLOCKS.has(type)) return `${where}: unknown block type ${String(type)}`;
  if (value.block_id !== undefined && (typeof value.block_id !== 'string' || value.block_id.length > 255)) {
    return `${where}.block_id: > 255 characters`;
  }
  switch (type) {
    case 'section': {
      if (value.text === undefined && value.fields === undefined) return `${where}: section needs text or fields`;
      if (value.text !== undefined) {
        const t = textObject(value.text, `${where}.text`, 3000);
        if (t) return t;
      }
      if (value.fields !== undefined) {
        if (!Array.isArray(value.fields)) return `${where}.fields: must be an array`;
        if (value.fields.length > 10) return `${where}.fields: ${value.fields.length} > 10 items`;
        for (const [i, f] of value.fields.entries()) {
          const t = textObject(f, `${where}.fields[${i}]`, 2000);
          if (t) return t;
        }
      }
      return value.accessory === undefined ? null : element(value.accessory, `${where}.accessory`, ctx);
    }
    case 'header':
      return textObject(value.text, `${where}.text`, 150, true);
    case 'actions': {
      if (!Array.isArray(value.elements) || value.elements.length === 0) return `${where}.elements: must be a non-empty array`;
      if (value.elements.length > 25) return `${where}.elements: ${value.elements.length} > 25 items`;
      const seen = new Set<string>();
      for (const [i, e] of value.elements.entries()) {
        const problem = element(e, `${where}.elements[${i}]`, ctx);
        if (problem) return problem;
        const id = (e as Json).action_id;
        if (typeof id === 'string') {
          if (seen.has(id)) return `${where}.elements[${i}].action_id: duplicate ${id} in block`;
          seen.add(id);
        }
      }
      return null;
    }
    case 'context': {
      if (!Array.isArray(value.elements) || value.elements.length === 0) return `${where}.elements: must be a non-empty array`;
      if (value.elements.length > 10) return `${where}.elements: ${value.elements.length} > 10 items`;
      for (const [i, e] of value.elements.entries()) {
        const problem = contextElement(e, `${where}.elements[${i}]`, ctx);
        if (problem) return problem;
      }
      return null;
    }
    case 'markdown':
      return typeof value.text === 'string' && value.text.length >= 1 && value.text.length <= 12_000
        ? null
        : `${where}.text: markdown block text must be 1-12000 characters`;
    case 'image':
      if (typeof value.alt_text !== 'string' || value.alt_text.length > 2000) return `${where}.alt_text: required, at most 2000 characters`;
      return imageSource(value, where, ctx);
    default:
      return null;
  }
}

/** Validates a `blocks` array; `maxBlocks` is 50 for messages, 100 for modals and the Home tab. */
export function validateBlocks(blocks: unknown, maxBlocks = 50, ctx: BlockContext = {}): string | null {
  if (!Array.isArray(blocks)) return 'blocks: must be an array';
  if (blocks.length > maxBlocks) return `blocks: ${blocks.length} > ${maxBlocks} blocks`;
  const ids = new Set<string>();
  for (const [i, b] of blocks.entries()) {
    const problem = block(b, `blocks[${i}]`, ctx);
    if (problem) return problem;
    const id = (b as Json).block_id;
    if (typeof id === 'string') {
      if (ids.has(id)) return `blocks[${i}].block_id: duplicate ${id}`;
      ids.add(id);
    }
  }
  return null;
}

const MAX_TEXT = 40_000;

/** What Slack would reject about a message body (`text`/`blocks`), or null. */
export function messageProblem(args: Json, ctx: BlockContext = {}): string | null {
  const text = args.text;
  const blocks = args.blocks;
  const hasText = typeof text === 'string' && text.length > 0;
  const hasBlocks = Array.isArray(blocks) && blocks.length > 0;
  if (!hasText && !hasBlocks) return 'no_text';
  if (hasText && text.length > MAX_TEXT) return 'msg_too_long';
  if (blocks !== undefined) {
    const problem = validateBlocks(blocks, 50, ctx);
    if (problem) return `invalid_blocks: ${problem}`;
  }
  return null;
}
