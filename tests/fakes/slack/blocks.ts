/**
 * Block Kit validation with Slack's documented limits for message surfaces. Each problem is
 * reported the way Slack puts it in `response_metadata.messages`:
 * `[ERROR] must be less than 151 characters [json-pointer:/blocks/0/text/text]`.
 */

/** Slack's limit on blocks in one message. */
export const MAX_BLOCKS = 50;

type Json = Record<string, unknown>;
type Problems = string[];

const KNOWN_BLOCK_TYPES = new Set([
  "section",
  "header",
  "divider",
  "context",
  "image",
  "actions",
  "rich_text",
  "markdown",
]);

/** Element types allowed in an actions block (interactive elements). */
const ACTION_ELEMENT_TYPES = new Set([
  "button",
  "checkboxes",
  "datepicker",
  "datetimepicker",
  "overflow",
  "radio_buttons",
  "static_select",
  "external_select",
  "users_select",
  "conversations_select",
  "channels_select",
  "multi_static_select",
  "multi_users_select",
  "multi_conversations_select",
  "multi_channels_select",
  "timepicker",
  "workflow_button",
]);

/** Slack counts characters, not bytes or UTF-16 units. */
function charCount(text: string): number {
  return Array.from(text).length;
}

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function problem(message: string, pointer: string): string {
  return `[ERROR] ${message} [json-pointer:${pointer}]`;
}

function checkMaxLength(value: unknown, max: number, pointer: string, problems: Problems): void {
  if (typeof value !== "string") {
    problems.push(problem("must provide a string", pointer));
    return;
  }
  if (charCount(value) > max) problems.push(problem(`must be less than ${max + 1} characters`, pointer));
}

function checkHttpUrl(value: unknown, max: number, pointer: string, problems: Problems): void {
  checkMaxLength(value, max, pointer, problems);
  if (typeof value === "string" && !/^https?:\/\/[^\s]+$/i.test(value)) {
    problems.push(problem("must be a valid http or https URL", pointer));
  }
}

/**
 * A text composition object: `{ type: "plain_text" | "mrkdwn", text }`, 1..`max` characters.
 * `plainOnly` is for places that take plain_text only (headers, buttons).
 */
function checkTextObject(value: unknown, max: number, pointer: string, problems: Problems, plainOnly = false): void {
  if (!isObject(value)) {
    problems.push(problem("must provide an object", pointer));
    return;
  }
  const allowed = plainOnly ? ["plain_text"] : ["plain_text", "mrkdwn"];
  if (typeof value.type !== "string" || !allowed.includes(value.type)) {
    problems.push(problem(`must be one of: ${allowed.join(", ")}`, `${pointer}/type`));
  }
  if (typeof value.text !== "string") {
    problems.push(problem("must provide a string", `${pointer}/text`));
    return;
  }
  if (value.text.length === 0) problems.push(problem("must be more than 0 characters", `${pointer}/text`));
  checkMaxLength(value.text, max, `${pointer}/text`, problems);
  if (value.type === "mrkdwn" && "emoji" in value) {
    problems.push(problem("emoji is only allowed on plain_text", `${pointer}/emoji`));
  }
}

function checkImageElement(value: Json, pointer: string, problems: Problems): void {
  if (value.image_url === undefined && value.slack_file === undefined) {
    problems.push(problem("must provide either image_url or slack_file", pointer));
  }
  if (value.image_url !== undefined) checkHttpUrl(value.image_url, 3000, `${pointer}/image_url`, problems);
  if (value.image_url !== undefined && value.slack_file !== undefined) {
    problems.push(problem("must provide either image_url or slack_file, not both", pointer));
  }
  if (value.slack_file !== undefined) checkSlackFile(value.slack_file, `${pointer}/slack_file`, problems);
  if (value.alt_text === undefined) problems.push(problem("missing required field: alt_text", pointer));
  else checkMaxLength(value.alt_text, 2000, `${pointer}/alt_text`, problems);
}

/** A Slack file object: exactly one of `id` (F…) or `url`. Whether the file exists is checked by the Web API. */
function checkSlackFile(value: unknown, pointer: string, problems: Problems): void {
  if (!isObject(value)) {
    problems.push(problem("must provide an object", pointer));
    return;
  }
  if ((value.id === undefined) === (value.url === undefined)) {
    problems.push(problem("must provide either url or id", pointer));
    return;
  }
  if (value.id !== undefined && (typeof value.id !== "string" || !/^F[A-Z0-9]{8,}$/.test(value.id))) {
    problems.push(problem("input must match regex pattern: ^[F][A-Z0-9]{8,}$", `${pointer}/id`));
  }
}

function checkButton(value: Json, pointer: string, problems: Problems): void {
  checkTextObject(value.text, 75, `${pointer}/text`, problems, true);
  if (value.action_id !== undefined) checkMaxLength(value.action_id, 255, `${pointer}/action_id`, problems);
  if (value.url !== undefined) checkHttpUrl(value.url, 3000, `${pointer}/url`, problems);
  if (value.value !== undefined) checkMaxLength(value.value, 2000, `${pointer}/value`, problems);
  if (value.style !== undefined && value.style !== "primary" && value.style !== "danger") {
    problems.push(problem("must be one of: primary, danger", `${pointer}/style`));
  }
}

function checkElementList(
  value: unknown,
  max: number,
  pointer: string,
  problems: Problems,
  checkOne: (element: unknown, elementPointer: string) => void,
): void {
  if (!Array.isArray(value)) {
    problems.push(problem("must provide an array", pointer));
    return;
  }
  if (value.length === 0) problems.push(problem("must provide at least 1 item", pointer));
  if (value.length > max) problems.push(problem(`no more than ${max} items allowed`, pointer));
  value.forEach((element, index) => {
    checkOne(element, `${pointer}/${index}`);
  });
}

function checkSection(block: Json, pointer: string, problems: Problems): void {
  if (block.text === undefined && block.fields === undefined) {
    problems.push(problem("must provide either text or fields", pointer));
  }
  if (block.text !== undefined) checkTextObject(block.text, 3000, `${pointer}/text`, problems);
  if (block.fields !== undefined) {
    checkElementList(block.fields, 10, `${pointer}/fields`, problems, (field, fieldPointer) =>
      checkTextObject(field, 2000, fieldPointer, problems),
    );
  }
  if (block.accessory !== undefined) {
    const accessory = block.accessory;
    const accessoryPointer = `${pointer}/accessory`;
    if (!isObject(accessory)) problems.push(problem("must provide an object", accessoryPointer));
    else if (accessory.type === "image") checkImageElement(accessory, accessoryPointer, problems);
    else if (accessory.type === "button") checkButton(accessory, accessoryPointer, problems);
    else if (typeof accessory.type !== "string" || !ACTION_ELEMENT_TYPES.has(accessory.type)) {
      problems.push(problem("unsupported accessory type", `${accessoryPointer}/type`));
    }
  }
}

function checkContext(block: Json, pointer: string, problems: Problems): void {
  checkElementList(block.elements, 10, `${pointer}/elements`, problems, (element, elementPointer) => {
    if (isObject(element) && element.type === "image") checkImageElement(element, elementPointer, problems);
    else checkTextObject(element, 3000, elementPointer, problems);
  });
}

function checkImageBlock(block: Json, pointer: string, problems: Problems): void {
  checkImageElement(block, pointer, problems);
  if (block.title !== undefined) checkTextObject(block.title, 2000, `${pointer}/title`, problems, true);
}

function checkActions(block: Json, pointer: string, problems: Problems): void {
  checkElementList(block.elements, 25, `${pointer}/elements`, problems, (element, elementPointer) => {
    if (!isObject(element)) {
      problems.push(problem("must provide an object", elementPointer));
      return;
    }
    if (element.type === "button") checkButton(element, elementPointer, problems);
    else if (typeof element.type !== "string" || !ACTION_ELEMENT_TYPES.has(element.type)) {
      problems.push(problem("unsupported element type", `${elementPointer}/type`));
    }
  });
}

type BlockCheck = (block: Json, pointer: string, problems: Problems) => void;

/** Per-type checks; divider has nothing to check. */
const BLOCK_CHECKS: Record<string, BlockCheck> = {
  section: checkSection,
  header: (block, pointer, problems) => checkTextObject(block.text, 150, `${pointer}/text`, problems, true),
  context: checkContext,
  image: checkImageBlock,
  actions: checkActions,
  rich_text: (block, pointer, problems) => {
    if (!Array.isArray(block.elements)) problems.push(problem("must provide an array", `${pointer}/elements`));
  },
  markdown: (block, pointer, problems) => checkMaxLength(block.text, 12000, `${pointer}/text`, problems),
};

function checkBlock(block: unknown, pointer: string, problems: Problems): void {
  if (!isObject(block)) {
    problems.push(problem("must provide an object", pointer));
    return;
  }
  if (typeof block.type !== "string" || !KNOWN_BLOCK_TYPES.has(block.type)) {
    problems.push(problem("failed to match all allowed schemas", pointer));
    problems.push(problem(`unsupported block type: ${String(block.type)}`, `${pointer}/type`));
    return;
  }
  if (block.block_id !== undefined) checkMaxLength(block.block_id, 255, `${pointer}/block_id`, problems);
  const check = BLOCK_CHECKS[block.type];
  check?.(block, pointer, problems);
}

/**
 * Validates a message's `blocks` array; returns Slack-style problem lines (empty when valid).
 *
 * @example validateBlocks([{ type: "header", text: { type: "mrkdwn", text: "x" } }])
 * // → ["[ERROR] must be one of: plain_text [json-pointer:/blocks/0/text/type]"]
 */
export function validateBlocks(blocks: unknown[]): string[] {
  const problems: Problems = [];
  if (blocks.length > MAX_BLOCKS) problems.push(problem(`no more than ${MAX_BLOCKS} items allowed`, "/blocks"));
  const seenBlockIds = new Map<string, number>();
  blocks.forEach((block, index) => {
    const pointer = `/blocks/${index}`;
    checkBlock(block, pointer, problems);
    if (isObject(block) && typeof block.block_id === "string") {
      const firstIndex = seenBlockIds.get(block.block_id);
      if (firstIndex !== undefined) {
        problems.push(problem(`block_id must be unique, already used by /blocks/${firstIndex}`, `${pointer}/block_id`));
      } else seenBlockIds.set(block.block_id, index);
    }
  });
  return problems;
}
