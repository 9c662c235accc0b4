/**
 * Checks an Adaptive Card the way Microsoft's own renderer library reads it, for tests of
 * the cards Greenlight sends to Teams: `adaptivecards` 3.x parses the JSON against a target
 * schema version (1.5, what Teams renders) and validates the parsed card, and we report what
 * it found. No DOM is needed for parsing, validating or serialising (measured with 3.0.6 on
 * Node 20: `document` stays undefined); only rendering needs one, and we never render.
 *
 * The library is loaded from its bundled `dist/adaptivecards.js`: its `lib/` build is ESM
 * with extension-less imports in a package without `"type": "module"`, which plain Node
 * (and so tsx, outside vitest) refuses. The bundle is the same 3.0.6 source, in CommonJS.
 */
import { createRequire } from 'node:module';
import type * as AdaptiveCardsModule from 'adaptivecards';

const AC = createRequire(import.meta.url)('adaptivecards/dist/adaptivecards.js') as typeof AdaptiveCardsModule;

export type CardVersion = '1.0' | '1.1' | '1.2' | '1.3' | '1.4' | '1.5' | '1.6';

export interface CardIssue {
  /** parse: reading the JSON; validation: the parsed card's rules; structure: our checks of the root */
  phase: 'parse' | 'validation' | 'structure';
  /** the library's ValidationEvent name, e.g. UnknownElementType, PropertyCantBeNull */
  event: string;
  message: string;
  /** the element or action it is about, when the library says: `Input.Text#title` */
  source?: string;
}

export interface CardCheck {
  errors: CardIssue[];
  /** advice rather than faults: deprecated features, hints, labels and error messages on required inputs */
  warnings: CardIssue[];
  /** UTF-8 bytes of the card as JSON (what goes into the attachment) */
  bytes: number;
  /**
   * The same without the contents of `data:` URIs. Microsoft's bot-message limit is stated
   * differently across its docs (28 KB for a posted message in the Teams connector and Graph
   * docs; 40 KB, later 100 KB, in "Format your bot messages", measured as UTF-16 and
   * excluding base64-encoded images), so tests can hold a card to either reading.
   */
  bytesWithoutDataUris: number;
}

/** The strict reading of "a message is limited to about 28 KB", in bytes. */
export const TEAMS_CARD_MAX_BYTES = 28_000;

const WARNING_EVENTS = new Set<string>(['Hint', 'Deprecated', 'RequiredInputsShouldHaveLabel', 'RequiredInputsShouldHaveErrorMessage']);
const VERSIONS: Record<CardVersion, AdaptiveCardsModule.Version> = {
  '1.0': AC.Versions.v1_0,
  '1.1': AC.Versions.v1_1,
  '1.2': AC.Versions.v1_2,
  '1.3': AC.Versions.v1_3,
  '1.4': AC.Versions.v1_4,
  '1.5': AC.Versions.v1_5,
  '1.6': AC.Versions.v1_6,
};

function versionNumber(v: string): number | undefined {
  const m = /^(\d+)\.(\d+)$/.exec(v);
  return m ? Number(m[1]) * 1000 + Number(m[2]) : undefined;
}

function describeSource(source: AdaptiveCardsModule.SerializableObject | undefined): string | undefined {
  if (!(source instanceof AC.CardObject)) return undefined;
  const type = source.getJsonTypeName();
  return source.id ? `${type}#${source.id}` : type;
}

/** UTF-8 size of a card's JSON, and of the same with data: URIs emptied. */
export function cardByteSize(card: unknown): { bytes: number; bytesWithoutDataUris: number } {
  const json = typeof card === 'string' ? card : JSON.stringify(card);
  return {
    bytes: Buffer.byteLength(json, 'utf8'),
    bytesWithoutDataUris: Buffer.byteLength(json.replace(/"data:[^"]*"/g, '""'), 'utf8'),
  };
}

/**
 * Parses `card` (an object, or its JSON text) with `adaptivecards` targeting `targetVersion`
 * (default 1.5) and returns what the library reported, sorted into errors and warnings, plus
 * the card's size. The card is read at the version it declares when that is lower, so a
 * card that says 1.2 but uses a 1.5 feature is reported, as a 1.2 client would see it.
 */
export function checkAdaptiveCard(card: unknown, options: { targetVersion?: CardVersion } = {}): CardCheck {
  const target = options.targetVersion ?? '1.5';
  const errors: CardIssue[] = [];
  const warnings: CardIssue[] = [];
  const add = (issue: CardIssue) => (WARNING_EVENTS.has(issue.event) ? warnings : errors).push(issue);

  let json: unknown = card;
  if (typeof card === 'string') {
    try {
      json = JSON.parse(card);
    } catch (err) {
      errors.push({ phase: 'structure', event: 'InvalidJson', message: `not JSON: ${(err as Error).message}` });
      return { errors, warnings, ...cardByteSize(card) };
    }
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    errors.push({ phase: 'structure', event: 'MissingCardType', message: 'a card must be a JSON object' });
    return { errors, warnings, ...cardByteSize(json) };
  }

  // The library accepts a card without `type` or `version` (it assumes both); Teams does not.
  const root = json as Record<string, unknown>;
  if (root.type !== 'AdaptiveCard') {
    add({ phase: 'structure', event: 'MissingCardType', message: `type: must be "AdaptiveCard" (got ${JSON.stringify(root.type)})` });
  }
  let readAs = target;
  if (typeof root.version !== 'string') {
    add({ phase: 'structure', event: 'PropertyCantBeNull', message: `version: required, e.g. "${target}"` });
  } else if (!(root.version in VERSIONS)) {
    add({
      phase: 'structure',
      event: 'UnsupportedCardVersion',
      message: `version: ${JSON.stringify(root.version)} is not an Adaptive Cards version`,
    });
  } else if (versionNumber(root.version)! > versionNumber(target)!) {
    add({
      phase: 'structure',
      event: 'UnsupportedCardVersion',
      message: `version: ${root.version} is newer than ${target}, the version checked for`,
    });
  } else {
    readAs = root.version as CardVersion;
  }

  const context = new AC.SerializationContext(VERSIONS[readAs]);
  const parsed = new AC.AdaptiveCard();
  parsed.parse(json, context);
  for (let i = 0; i < context.eventCount; i++) {
    const e = context.getEventAt(i);
    const source = describeSource(e.source);
    add({ phase: 'parse', event: AC.ValidationEvent[e.event] ?? String(e.event), message: e.message, ...(source ? { source } : {}) });
  }
  const saidAlready = new Set([...errors, ...warnings].map((i) => i.event));
  for (const e of parsed.validateProperties().validationEvents) {
    // The card's own checks repeat ours for the root (type, version): say it once.
    if (e.source === parsed && saidAlready.has(AC.ValidationEvent[e.event] ?? '')) continue;
    const source = describeSource(e.source);
    add({ phase: 'validation', event: AC.ValidationEvent[e.event] ?? String(e.event), message: e.message, ...(source ? { source } : {}) });
  }
  return { errors, warnings, ...cardByteSize(json) };
}
