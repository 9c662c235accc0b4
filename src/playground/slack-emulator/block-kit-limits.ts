import type { LimitViolation } from './results.js';

/**
 * Block Kit limits Slack enforces server-side. Each number comes from Slack's Block Kit
 * reference (docs.slack.dev) or the doc comments of @slack/types; message wording
 * ("must be less than 3001 characters", "no more than 25 items allowed") copies what
 * Slack returns, so a test failure reads like the production error would.
 */
export const LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  messageText: 40_000,
  sectionText: 3000,
  sectionFields: 10,
  sectionFieldText: 2000,
  headerText: 150,
  blockId: 255,
  actionsElements: 25,
  contextElements: 10,
  inputLabel: 2000,
  inputHint: 2000,
  imageAltText: 2000,
  buttonText: 75,
  buttonValue: 2000,
  buttonUrl: 3000,
  actionId: 255,
  placeholder: 150,
  optionText: 75,
  selectOptions: 100,
  selectOptionGroups: 100,
  choiceOptions: 10, // checkboxes, radio_buttons
  overflowOptions: 5,
  plainTextInputLength: 3000, // bound on both min_length and max_length
  modalButtonText: 24, // title, submit, close
  privateMetadata: 3000,
  callbackId: 255,
  externalId: 255,
} as const;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
// Slack counts characters, not UTF-16 code units: an emoji is one character.
const charCount = (s: string) => [...s].length;

class Checker {
  readonly violations: LimitViolation[] = [];

  add(pointer: string, message: string) {
    this.violations.push({ pointer, message });
  }

  string(value: unknown, max: number, pointer: string) {
    if (typeof value === 'string' && charCount(value) > max) this.add(pointer, `must be less than ${max + 1} characters`);
  }

  /** A text object `{ type, text }`; the limit applies to its `text`. */
  text(value: unknown, max: number, pointer: string) {
    if (isObject(value)) this.string(value.text, max, `${pointer}/text`);
  }

  items(value: unknown, max: number, pointer: string): unknown[] {
    if (!Array.isArray(value)) return [];
    if (value.length > max) this.add(pointer, `no more than ${max} items allowed`);
    return value;
  }

  atMost(value: unknown, max: number, pointer: string) {
    if (typeof value === 'number' && value > max) this.add(pointer, `must be less than or equal to ${max}`);
  }

  options(value: unknown, max: number, pointer: string) {
    this.items(value, max, pointer).forEach((o, i) => {
      if (isObject(o)) this.text(o.text, LIMITS.optionText, `${pointer}/${i}/text`);
    });
  }

  element(el: unknown, p: string) {
    if (!isObject(el)) return;
    this.string(el.action_id, LIMITS.actionId, `${p}/action_id`);
    this.text(el.placeholder, LIMITS.placeholder, `${p}/placeholder`);
    switch (el.type) {
      case 'button':
        this.text(el.text, LIMITS.buttonText, `${p}/text`);
        this.string(el.value, LIMITS.buttonValue, `${p}/value`);
        this.string(el.url, LIMITS.buttonUrl, `${p}/url`);
        break;
      case 'plain_text_input':
        this.atMost(el.max_length, LIMITS.plainTextInputLength, `${p}/max_length`);
        this.atMost(el.min_length, LIMITS.plainTextInputLength, `${p}/min_length`);
        break;
      case 'static_select':
      case 'multi_static_select':
        this.options(el.options, LIMITS.selectOptions, `${p}/options`);
        this.items(el.option_groups, LIMITS.selectOptionGroups, `${p}/option_groups`).forEach((g, i) => {
          if (isObject(g)) this.options(g.options, LIMITS.selectOptions, `${p}/option_groups/${i}/options`);
        });
        break;
      case 'checkboxes':
      case 'radio_buttons':
        this.options(el.options, LIMITS.choiceOptions, `${p}/options`);
        break;
      case 'overflow':
        this.options(el.options, LIMITS.overflowOptions, `${p}/options`);
        break;
    }
  }

  block(block: unknown, p: string) {
    if (!isObject(block)) {
      this.add(p, 'must be an object');
      return;
    }
    this.string(block.block_id, LIMITS.blockId, `${p}/block_id`);
    switch (block.type) {
      case 'section':
        if (block.text === undefined && block.fields === undefined) this.add(p, 'must provide either text or fields');
        this.text(block.text, LIMITS.sectionText, `${p}/text`);
        this.items(block.fields, LIMITS.sectionFields, `${p}/fields`).forEach((f, i) =>
          this.text(f, LIMITS.sectionFieldText, `${p}/fields/${i}`),
        );
        this.element(block.accessory, `${p}/accessory`);
        break;
      case 'header':
        this.text(block.text, LIMITS.headerText, `${p}/text`);
        break;
      case 'actions':
        this.items(block.elements, LIMITS.actionsElements, `${p}/elements`).forEach((e, i) => this.element(e, `${p}/elements/${i}`));
        break;
      case 'context':
        this.items(block.elements, LIMITS.contextElements, `${p}/elements`);
        break;
      case 'input':
        this.text(block.label, LIMITS.inputLabel, `${p}/label`);
        this.text(block.hint, LIMITS.inputHint, `${p}/hint`);
        this.element(block.element, `${p}/element`);
        break;
      case 'image':
        this.string(block.alt_text, LIMITS.imageAltText, `${p}/alt_text`);
        break;
    }
  }

  blocks(blocks: unknown[], max: number, p: string) {
    this.items(blocks, max, p).forEach((b, i) => this.block(b, `${p}/${i}`));
  }
}

/** Problems with a message's `blocks` (chat.postMessage, chat.update, chat.postEphemeral, response_url). */
export function checkMessageBlocks(blocks: unknown[]): LimitViolation[] {
  const c = new Checker();
  c.blocks(blocks, LIMITS.messageBlocks, '/blocks');
  return c.violations;
}

/** Problems with a `view` argument (views.open/push/update take modals, views.publish takes home). */
export function checkView(view: unknown, expectedType: 'modal' | 'home'): LimitViolation[] {
  const c = new Checker();
  if (!isObject(view)) {
    c.add('/view', 'must be an object');
    return c.violations;
  }
  if (view.type !== expectedType) c.add('/view/type', `must be "${expectedType}"`);
  if (!Array.isArray(view.blocks)) c.add('/view', 'missing required field: blocks');
  else c.blocks(view.blocks, LIMITS.viewBlocks, '/view/blocks');
  if (expectedType === 'modal') {
    if (view.title === undefined) c.add('/view', 'missing required field: title');
    c.text(view.title, LIMITS.modalButtonText, '/view/title');
    c.text(view.submit, LIMITS.modalButtonText, '/view/submit');
    c.text(view.close, LIMITS.modalButtonText, '/view/close');
    const hasInput = Array.isArray(view.blocks) && view.blocks.some((b) => isObject(b) && b.type === 'input');
    if (hasInput && view.submit === undefined) c.add('/view', 'must provide a submit property when using input blocks');
  }
  c.string(view.private_metadata, LIMITS.privateMetadata, '/view/private_metadata');
  c.string(view.callback_id, LIMITS.callbackId, '/view/callback_id');
  c.string(view.external_id, LIMITS.externalId, '/view/external_id');
  return c.violations;
}
