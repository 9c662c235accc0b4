/**
 * Requests exactly as Slack sends them to an app's Request URL (slash commands,
 * interactivity payloads, Events API), signed with the app's signing secret: how the
 * playground and the tests drive the real Bolt receiver over HTTP. Pairs with the emulated
 * Web API: trigger ids minted here are accepted there (once, within Slack's 3 s), and
 * payloads can be built straight from the messages and views it recorded.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { FakeSlackApi } from './server.js';
import { mintTriggerId } from './trigger-ids.js';
import { WORKSPACE_DEFAULTS } from './workspace.js';

type Json = Record<string, unknown>;

/** Same identity the fake workspace uses by default, so requests and API calls agree. */
export const SLACK_TEST_TEAM = { id: WORKSPACE_DEFAULTS.teamId, domain: WORKSPACE_DEFAULTS.teamDomain } as const;
export const SLACK_TEST_APP_ID = WORKSPACE_DEFAULTS.appId;
const BOT_USER_ID = WORKSPACE_DEFAULTS.botUserId;
// Slack still sends the deprecated verification token; Bolt ignores it in favour of signatures.
const VERIFICATION_TOKEN = 'fake-verification-token';

export interface SlackRequestBody {
  /** The bytes Slack would send, which is also what gets signed. */
  rawBody: string;
  contentType: 'application/x-www-form-urlencoded' | 'application/json';
  /** The same content as an object: command fields, the interactivity payload, or the event envelope. */
  payload: Json;
}

/** Identity fields every builder accepts; defaults match the fake workspace. */
export interface Envelope {
  teamId?: string;
  teamDomain?: string;
  apiAppId?: string;
}

export const newTriggerId = (): string => mintTriggerId();

// ---------------------------------------------------------------------------------------
// Signing and sending

export interface SlackSignatureHeaders {
  'x-slack-signature': string;
  'x-slack-request-timestamp': string;
  'content-type': string;
}

/** Slack's v0 scheme: HMAC-SHA256 over `v0:{timestamp}:{raw body}` with the signing secret. */
export function signSlackRequest(signingSecret: string, rawBody: string, timestampSeconds: number): SlackSignatureHeaders {
  const digest = createHmac('sha256', signingSecret).update(`v0:${timestampSeconds}:${rawBody}`).digest('hex');
  return {
    'x-slack-signature': `v0=${digest}`,
    'x-slack-request-timestamp': String(timestampSeconds),
    // Events API bodies are JSON; commands and interactivity are form-encoded.
    'content-type': rawBody.trimStart().startsWith('{') ? 'application/json' : 'application/x-www-form-urlencoded',
  };
}

export interface PostSignedOptions {
  signingSecret: string;
  /** Seconds; defaults to now. Set it 6+ minutes back to test replay protection. */
  timestamp?: number;
  /** Sent instead of the computed signature; `null` leaves the header out. */
  signature?: string | null;
  /** Leaves the timestamp header out (the signature is still computed with `timestamp`). */
  omitTimestamp?: boolean;
  /** Extra headers, e.g. `x-slack-retry-num`. */
  headers?: Record<string, string>;
}

export interface SignedResponse {
  status: number;
  text: string;
  json?: unknown;
}

export async function postSigned(url: string, body: string | SlackRequestBody, options: PostSignedOptions): Promise<SignedResponse> {
  const rawBody = typeof body === 'string' ? body : body.rawBody;
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const signed = signSlackRequest(options.signingSecret, rawBody, timestamp);
  const headers: Record<string, string> = { ...signed, ...options.headers };
  if (typeof body !== 'string') headers['content-type'] = body.contentType;
  if (options.signature === null) delete headers['x-slack-signature'];
  else if (options.signature !== undefined) headers['x-slack-signature'] = options.signature;
  if (options.omitTimestamp) delete headers['x-slack-request-timestamp'];

  const response = await fetch(url, { method: 'POST', headers, body: rawBody });
  const text = await response.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, text, ...(json !== undefined ? { json } : {}) };
}

// ---------------------------------------------------------------------------------------
// Slash commands

export interface SlashCommandInput extends Envelope {
  command: string;
  text?: string;
  userId: string;
  userName?: string;
  channelId: string;
  channelName?: string;
  /** Where respond() posts; use `fake.responseUrl(...)` to capture it. */
  responseUrl?: string;
  triggerId?: string;
}

/** A slash command, form-encoded, fields in the order Slack sends them. */
export function slashCommand(input: SlashCommandInput): SlackRequestBody {
  const teamId = input.teamId ?? SLACK_TEST_TEAM.id;
  const fields: Record<string, string> = {
    token: VERIFICATION_TOKEN,
    team_id: teamId,
    team_domain: input.teamDomain ?? SLACK_TEST_TEAM.domain,
    channel_id: input.channelId,
    channel_name: input.channelName ?? 'general',
    user_id: input.userId,
    user_name: input.userName ?? input.userId.toLowerCase(),
    command: input.command,
    text: input.text ?? '',
    api_app_id: input.apiAppId ?? SLACK_TEST_APP_ID,
    is_enterprise_install: 'false',
    response_url: input.responseUrl ?? fakeHookUrl('commands', teamId),
    trigger_id: input.triggerId ?? newTriggerId(),
  };
  return { rawBody: new URLSearchParams(fields).toString(), contentType: 'application/x-www-form-urlencoded', payload: fields };
}

// ---------------------------------------------------------------------------------------
// Interactivity: block_actions, view_submission, view_closed

/**
 * What a user entered into one element. A plain value is interpreted through the element
 * found in the view (a string for text/URL inputs and static selects, a string array for
 * checkboxes and multi-selects, unix seconds or a Date for a datetimepicker, null for
 * empty); an object with `type` is used verbatim as Slack's state value.
 */
export type InputValue = string | string[] | number | Date | null | ({ type: string } & Json);

/** `{ [block_id]: { [action_id]: value } }` */
export type InputValues = Record<string, Record<string, InputValue>>;

/** Anything shaped like a message the app posted (the fake's FakeMessage fits). */
export interface MessageLike {
  ts: string;
  channel?: string;
  text?: string;
  blocks?: unknown[];
  [key: string]: unknown;
}

/** Anything shaped like a view (the fake's FakeView fits; missing server fields get defaults). */
export interface ViewLike {
  id?: string;
  type?: string;
  blocks?: unknown[];
  callback_id?: string;
  private_metadata?: string;
  hash?: string;
  [key: string]: unknown;
}

export interface ActionInput {
  userId: string;
  userName?: string;
  /** The element's action_id; it must exist in the message/view blocks (a user can only click what is there). */
  actionId: string;
  /** Narrows the search when an action_id repeats across blocks. */
  blockId?: string;
  /** For selects/checkboxes/pickers: what the user picked (see InputValue). */
  selected?: InputValue;
  triggerId?: string;
}

export interface MessageActionInput extends ActionInput, Envelope {
  message: MessageLike;
  /** Defaults to `message.channel`. */
  channelId?: string;
  channelName?: string;
  responseUrl?: string;
}

export interface ViewActionInput extends ActionInput, Envelope {
  view: ViewLike;
  /** What is currently typed into the view's inputs; Slack sends it along with the action. */
  values?: InputValues;
}

/** A click on an interactive element in a message (e.g. Approve on an approval card). */
export function blockActionsFromMessage(input: MessageActionInput): SlackRequestBody {
  const channelId = input.channelId ?? input.message.channel;
  if (channelId === undefined) throw new Error('blockActionsFromMessage needs channelId or message.channel');
  const { channel: _channel, ...message } = input.message;
  const teamId = input.teamId ?? SLACK_TEST_TEAM.id;
  return interactivity({
    type: 'block_actions',
    ...userAndTeam(input),
    api_app_id: input.apiAppId ?? SLACK_TEST_APP_ID,
    token: VERIFICATION_TOKEN,
    container: { type: 'message', message_ts: input.message.ts, channel_id: channelId, is_ephemeral: false },
    trigger_id: input.triggerId ?? newTriggerId(),
    channel: { id: channelId, name: input.channelName ?? 'general' },
    message: { type: 'message', user: BOT_USER_ID, ...message },
    state: { values: {} },
    response_url: input.responseUrl ?? fakeHookUrl('actions', teamId),
    actions: [action(input.message.blocks ?? [], input)],
  });
}

/** A click/selection inside an open modal. */
export function blockActionsFromView(input: ViewActionInput): SlackRequestBody {
  return interactivity({
    type: 'block_actions',
    ...userAndTeam(input),
    api_app_id: input.apiAppId ?? SLACK_TEST_APP_ID,
    token: VERIFICATION_TOKEN,
    container: { type: 'view', view_id: input.view.id ?? 'V0000000000' },
    trigger_id: input.triggerId ?? newTriggerId(),
    view: viewPayload(input.view, input.values ?? {}, input),
    actions: [action(input.view.blocks ?? [], input)],
  });
}

/** A click on the App Home tab: same payload as a view action, for a `home` view. */
export function blockActionsFromHome(input: ViewActionInput): SlackRequestBody {
  if (input.view.type !== undefined && input.view.type !== 'home') {
    throw new Error(`blockActionsFromHome got a '${input.view.type}' view; use blockActionsFromView`);
  }
  return blockActionsFromView({ ...input, view: { ...input.view, type: 'home' } });
}

export interface ViewSubmissionInput extends Envelope {
  userId: string;
  userName?: string;
  view: ViewLike;
  values: InputValues;
  triggerId?: string;
}

/** The user pressed the modal's submit button with these inputs filled in. */
export function viewSubmission(input: ViewSubmissionInput): SlackRequestBody {
  return interactivity({
    type: 'view_submission',
    ...userAndTeam(input),
    api_app_id: input.apiAppId ?? SLACK_TEST_APP_ID,
    token: VERIFICATION_TOKEN,
    trigger_id: input.triggerId ?? newTriggerId(),
    view: viewPayload(input.view, input.values, input),
    response_urls: [],
  });
}

export interface ViewClosedInput extends Envelope {
  userId: string;
  userName?: string;
  view: ViewLike;
  /** True when the whole stack was closed (clear_on_close). */
  isCleared?: boolean;
}

/** The user closed a modal opened with `notify_on_close: true`. */
export function viewClosed(input: ViewClosedInput): SlackRequestBody {
  return interactivity({
    type: 'view_closed',
    ...userAndTeam(input),
    api_app_id: input.apiAppId ?? SLACK_TEST_APP_ID,
    token: VERIFICATION_TOKEN,
    view: viewPayload(input.view, {}, input),
    is_cleared: input.isCleared ?? false,
  });
}

// ---------------------------------------------------------------------------------------
// Events API

export interface EventInput extends Envelope {
  eventId?: string;
  eventTime?: number;
}

/** Wraps an event in the `event_callback` envelope Slack posts to the Events URL. */
export function eventCallback(event: Json, input: EventInput = {}): SlackRequestBody {
  const teamId = input.teamId ?? SLACK_TEST_TEAM.id;
  return json({
    token: VERIFICATION_TOKEN,
    team_id: teamId,
    api_app_id: input.apiAppId ?? SLACK_TEST_APP_ID,
    event,
    type: 'event_callback',
    event_id: input.eventId ?? `Ev${randomBytes(5).toString('hex').toUpperCase()}`,
    event_time: input.eventTime ?? Math.floor(Date.now() / 1000),
    // Bolt reads the team to authorize from here.
    authorizations: [{ enterprise_id: null, team_id: teamId, user_id: BOT_USER_ID, is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
    event_context: `4-${randomBytes(8).toString('hex')}`,
  });
}

export interface AppHomeOpenedInput extends EventInput {
  userId: string;
  /** The app's DM channel with the user. */
  channelId?: string;
  tab?: 'home' | 'messages';
  /** The currently published Home view, which Slack includes once one exists. */
  view?: ViewLike;
}

export function appHomeOpened(input: AppHomeOpenedInput): SlackRequestBody {
  return eventCallback(
    {
      type: 'app_home_opened',
      user: input.userId,
      channel: input.channelId ?? `D${input.userId.slice(1)}`,
      tab: input.tab ?? 'home',
      event_ts: eventTs(),
      ...(input.view ? { view: viewPayload(input.view, {}, input) } : {}),
    },
    input,
  );
}

/** The handshake Slack sends when the Events URL is saved; the app must echo `challenge`. */
export function urlVerification(challenge: string = randomBytes(16).toString('hex')): SlackRequestBody {
  return json({ token: VERIFICATION_TOKEN, challenge, type: 'url_verification' });
}

/** A response_url on the fake for an interaction on `message` by `userId`. */
export function responseUrlFor(fake: FakeSlackApi, userId: string, message: MessageLike & { channel: string }): string {
  return fake.responseUrl({ channel: message.channel, user: userId, messageTs: message.ts });
}

// ---------------------------------------------------------------------------------------
// Helpers

function interactivity(payload: Json): SlackRequestBody {
  return {
    rawBody: new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
    contentType: 'application/x-www-form-urlencoded',
    payload,
  };
}

function json(payload: Json): SlackRequestBody {
  return { rawBody: JSON.stringify(payload), contentType: 'application/json', payload };
}

function fakeHookUrl(kind: 'commands' | 'actions', teamId: string): string {
  return `https://hooks.slack.com/${kind}/${teamId}/${Date.now()}/${randomBytes(12).toString('hex')}`;
}

let lastMicros = 0;
/** Slack's event and action timestamps have microseconds and never repeat; two clicks in one millisecond must differ too. */
function eventTs(): string {
  const micros = Math.max(Date.now() * 1000, lastMicros + 1);
  lastMicros = micros;
  return `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, '0')}`;
}

function userAndTeam(input: Envelope & { userId: string; userName?: string }): Json {
  const teamId = input.teamId ?? SLACK_TEST_TEAM.id;
  const name = input.userName ?? input.userId.toLowerCase();
  return {
    user: { id: input.userId, username: name, name, team_id: teamId },
    team: { id: teamId, domain: input.teamDomain ?? SLACK_TEST_TEAM.domain },
    enterprise: null,
    is_enterprise_install: false,
  };
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

interface Located {
  blockId: string;
  element: Json;
}

/** Every interactive element in a list of blocks, with the block it sits in. */
function elementsOf(blocks: unknown[]): Located[] {
  return blocks.filter(isObject).flatMap((block) => {
    const blockId = typeof block.block_id === 'string' ? block.block_id : '';
    const candidates = [block.element, block.accessory, ...(Array.isArray(block.elements) ? block.elements : [])];
    return candidates
      .filter(isObject)
      .filter((e) => typeof e.action_id === 'string')
      .map((element) => ({ blockId, element }));
  });
}

function findElement(blocks: unknown[], actionId: string, blockId?: string): Located {
  const all = elementsOf(blocks);
  const found = all.find((l) => l.element.action_id === actionId && (blockId === undefined || l.blockId === blockId));
  if (found) return found;
  const available = all.map((l) => `${l.blockId}/${String(l.element.action_id)}`).join(', ') || 'none';
  throw new Error(`No element with action_id '${actionId}'${blockId ? ` in block '${blockId}'` : ''}; elements present: ${available}`);
}

function optionsOf(element: Json): Json[] {
  const groups = Array.isArray(element.option_groups) ? element.option_groups.filter(isObject) : [];
  return [element.options, ...groups.map((g) => g.options)].flatMap((o) => (Array.isArray(o) ? o.filter(isObject) : []));
}

/** The option object Slack sends back for a chosen value (its text as defined in the element). */
function chosenOption(element: Json, value: string): Json {
  const option = optionsOf(element).find((o) => o.value === value);
  if (!option) {
    const offered = optionsOf(element)
      .map((o) => String(o.value))
      .join(', ');
    throw new Error(`'${value}' is not an option of '${String(element.action_id)}' (offered: ${offered})`);
  }
  return { text: option.text, value: option.value, ...(option.description ? { description: option.description } : {}) };
}

const asList = (v: InputValue | undefined): string[] => (Array.isArray(v) ? v : v === null || v === undefined ? [] : [String(v)]);

/** Slack's state value for `element` given what the user entered (undefined = left empty). */
function stateValue(element: Json, input: InputValue | undefined): Json {
  if (isObject(input) && !(input instanceof Date) && typeof input.type === 'string') return input;
  const type = String(element.type);
  switch (type) {
    case 'plain_text_input':
    case 'url_text_input':
    case 'email_text_input':
    case 'number_input':
      return { type, value: input === undefined || input === null ? null : String(input) };
    case 'static_select':
    case 'radio_buttons':
      return { type, selected_option: input === undefined || input === null ? null : chosenOption(element, String(input)) };
    case 'multi_static_select':
    case 'checkboxes':
      return { type, selected_options: asList(input).map((v) => chosenOption(element, v)) };
    case 'datetimepicker':
      return {
        type,
        selected_date_time:
          input === undefined || input === null ? null : input instanceof Date ? Math.floor(input.getTime() / 1000) : Number(input),
      };
    case 'datepicker':
      return { type, selected_date: input ?? null };
    case 'timepicker':
      return { type, selected_time: input ?? null };
    default:
      if (input === undefined) return { type };
      throw new Error(`No shorthand for '${type}' inputs; pass Slack's state value object ({ type: '${type}', … })`);
  }
}

/**
 * `view.state.values` as Slack sends it: every input block of the view is present (empty
 * ones as null/[]), with the described values filled in.
 */
function stateValues(blocks: unknown[], values: InputValues): Record<string, Record<string, Json>> {
  const result: Record<string, Record<string, Json>> = {};
  for (const block of blocks.filter(isObject)) {
    if (block.type !== 'input' || !isObject(block.element) || typeof block.block_id !== 'string') continue;
    const actionId = String(block.element.action_id);
    result[block.block_id] = { [actionId]: stateValue(block.element, values[block.block_id]?.[actionId]) };
  }
  for (const [blockId, byAction] of Object.entries(values)) {
    for (const [actionId, value] of Object.entries(byAction)) {
      if (result[blockId]?.[actionId]) continue;
      const element =
        isObject(value) && !(value instanceof Date) && typeof value.type === 'string'
          ? value
          : findElement(blocks, actionId, blockId).element;
      result[blockId] = { ...result[blockId], [actionId]: stateValue(element, value) };
    }
  }
  return result;
}

function action(blocks: unknown[], input: ActionInput): Json {
  const { blockId, element } = findElement(blocks, input.actionId, input.blockId);
  const base = { action_id: input.actionId, block_id: blockId, action_ts: eventTs() };
  if (element.type === 'button') {
    return {
      ...base,
      type: 'button',
      text: element.text,
      ...(element.value !== undefined ? { value: element.value } : {}),
      ...(element.style ? { style: element.style } : {}),
    };
  }
  if (element.type === 'overflow') {
    return { ...base, type: 'overflow', selected_option: chosenOption(element, String(input.selected)) };
  }
  return { ...base, ...stateValue(element, input.selected) };
}

function viewPayload(view: ViewLike, values: InputValues, envelope: Envelope): Json {
  const id = view.id ?? `V${randomBytes(5).toString('hex').toUpperCase()}`;
  const teamId = envelope.teamId ?? SLACK_TEST_TEAM.id;
  const blocks = view.blocks ?? [];
  return {
    id,
    team_id: teamId,
    type: 'modal',
    private_metadata: '',
    callback_id: '',
    hash: `${Math.floor(Date.now() / 1000)}.${randomBytes(4).toString('hex')}`,
    title: { type: 'plain_text', text: 'View', emoji: true },
    clear_on_close: false,
    notify_on_close: false,
    close: null,
    submit: null,
    previous_view_id: null,
    root_view_id: id,
    app_id: envelope.apiAppId ?? SLACK_TEST_APP_ID,
    external_id: '',
    app_installed_team_id: teamId,
    bot_id: WORKSPACE_DEFAULTS.botId,
    ...view,
    blocks,
    state: { values: stateValues(blocks, values) },
  };
}
