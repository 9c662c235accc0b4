import { domainToASCII } from 'node:url';
import twitterText from 'twitter-text';

/*
 * Mastodon's server decides a status's length in StatusLengthValidator (app/validators/
 * status_length_validator.rb): it rewrites the text so that every URL that entity
 * extraction finds becomes 23 `x`, and every mention `@user@domain` becomes `@user`, then
 * counts grapheme clusters (`each_grapheme_cluster.size`). This module is that rewrite.
 *
 * URL extraction is twitter-text's, called with `extract_url_without_protocol: false` (so
 * `example.com` is plain text on Mastodon, unlike on X), and with the regex changes
 * Mastodon makes in config/initializers/twitter_regex.rb: more schemes, any non-space
 * character in a path, and Unicode in a query. Mentions use Account::MENTION_RE.
 */

const { regexen } = twitterText;

/** Ruby's `\p{White_Space}`; JavaScript's `\s` differs (it has U+FEFF and lacks U+0085). */
const WHITE_SPACE = '\\t-\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';

/** Ruby's `[[:word:]]` on Unicode strings. */
const WORD = '\\p{L}\\p{M}\\p{Nd}\\p{Pc}';

// Mastodon's `valid_general_url_path_chars`: anything but white space, <, >, parentheses, ?.
const PATH_CHAR = `[^${WHITE_SPACE}<>()?]`;

// Mastodon's `valid_url_balanced_parens`: one nested level of balanced parentheses.
const BALANCED_PARENS = `\\((?:${PATH_CHAR}+|(?:${PATH_CHAR}*\\(${PATH_CHAR}+\\)${PATH_CHAR}*))\\)`;

// Mastodon's `valid_url_path_ending_chars`. The initializer builds it before it replaces
// `valid_url_balanced_parens`, so the parentheses alternative is twitter-text's original.
const PATH_ENDING = `(?:[^${WHITE_SPACE}()?!*"'「」<>;:=,.$%\\[\\]~&|@]|(?:${regexen.validUrlBalancedParens.source}))`;

const URL_PATH = `(?:(?:${PATH_CHAR}*(?:${BALANCED_PARENS}${PATH_CHAR}*)*${PATH_ENDING})|(?:${PATH_CHAR}+/))`;

// Mastodon's UCHARS (RFC 3987 ucschar + iprivate). Without the `u` flag (twitter-text's
// domain regex is not valid in `u` mode) astral characters are matched as any surrogate
// pair, which also admits the few noncharacters UCHARS leaves out.
const UCHAR = '\\u00a0-\\ud7ff\\ue000-\\uf8ff\\uf900-\\ufdcf\\ufdf0-\\uffef';
const SURROGATE_PAIR = '[\\ud800-\\udbff][\\udc00-\\udfff]';
const QUERY_CHAR = `(?:[a-z0-9!?*'();:&=+$/%#\\[\\]\\-_.,~|@^${UCHAR}]|${SURROGATE_PAIR})`;
const QUERY_ENDING = `(?:[a-z0-9_&=#/\\-${UCHAR}]|${SURROGATE_PAIR})`;

// Mastodon's `valid_url`. Groups: 1 preceding character, 2 URL, 3 protocol, 4 domain.
const VALID_URL = new RegExp(
  `(${regexen.validUrlPrecedingChars.source})` +
    '(' +
    '((?:https?|dat|dweb|ipfs|ipns|ssb|gopher|gemini)://)?' +
    `(${regexen.validDomain.source})` +
    `(?::(?:${regexen.validPortNumber.source}))?` +
    `(?:/${URL_PATH}*)?` +
    `(?:\\?${QUERY_CHAR}*${QUERY_ENDING})?` +
    ')',
  'gi',
);

const VALID_TCO_URL = new RegExp(regexen.validTcoUrl.source, 'i');
const MAX_TCO_SLUG_LENGTH = 40;
const MAX_URL_LENGTH = 4096;

// Account::MENTION_RE: `@user` or `@user@domain`; not after `=`, `/` or a word character.
const MENTION = new RegExp(`(?<![=/${WORD}])@(([A-Za-z0-9_]+(?:[.-]+[A-Za-z0-9_]+)*)(?:@[${WORD}]+(?:[.-]+[${WORD}]+)*)?)`, 'gu');

const BLANK = /^[\p{White_Space}]*$/u;

interface Entity {
  start: number;
  end: number;
  /** What the entity counts as. */
  replacement: string;
}

/** twitter-text's `extract_urls_with_indices(text, extract_url_without_protocol: false)`. */
function extractUrls(text: string, placeholder: string): Entity[] {
  if (!text.includes(':')) return [];
  const urls: Entity[] = [];
  VALID_URL.lastIndex = 0;
  for (let match = VALID_URL.exec(text); match; match = VALID_URL.exec(text)) {
    const [, before = '', url = '', protocol, domain = ''] = match;
    // A URL without a scheme is not a URL here, but the scan still moves past it.
    if (!protocol) continue;
    const start = match.index + before.length;
    let end = start + url.length;
    const tco = VALID_TCO_URL.exec(url);
    if (tco) {
      if ((tco[1]?.length ?? 0) > MAX_TCO_SLUG_LENGTH) continue;
      end = start + tco[0].length;
    }
    // `is_valid_domain`: the domain must convert to ASCII (IDNA) and the URL stay under 4096.
    const asciiDomain = domainToASCII(domain);
    if (asciiDomain === '') continue;
    if (url.length + Math.max(0, asciiDomain.length - domain.length) > MAX_URL_LENGTH) continue;
    urls.push({ start, end, replacement: placeholder });
  }
  return urls;
}

/** Mastodon's `Extractor.extract_mentions_or_lists_with_indices`, rewritten to `@user`. */
function extractMentions(text: string): Entity[] {
  if (!regexen.atSigns.test(text)) return [];
  const mentions: Entity[] = [];
  MENTION.lastIndex = 0;
  for (let match = MENTION.exec(text); match; match = MENTION.exec(text)) {
    const end = match.index + match[0].length;
    // twitter-text's `end_mention_match`: no mention right before `@`, an accented letter or `://`.
    if (regexen.endMentionMatch.test(text.slice(end))) continue;
    const username = match[2] ?? '';
    mentions.push({ start: match.index, end, replacement: `@${username}` });
  }
  return mentions;
}

/** twitter-text's `remove_overlapping_entities`: by start; an entity overlapping a kept one goes. */
function removeOverlapping(entities: Entity[]): Entity[] {
  const sorted = [...entities].sort((a, b) => a.start - b.start);
  const kept: Entity[] = [];
  for (const entity of sorted) {
    const previous = kept.at(-1);
    if (previous && previous.end > entity.start) continue;
    kept.push(entity);
  }
  return kept;
}

/**
 * The text Mastodon counts: each URL as `urlLength` `x`, each `@user@domain` as `@user`.
 * Count its grapheme clusters to get Mastodon's length.
 */
export function mastodonCountableText(text: string, urlLength: number): string {
  if (BLANK.test(text)) return '';
  const entities = removeOverlapping([...extractUrls(text, 'x'.repeat(urlLength)), ...extractMentions(text)]);
  let result = '';
  let index = 0;
  for (const entity of entities) {
    result += text.slice(index, entity.start) + entity.replacement;
    index = entity.end;
  }
  return result + text.slice(index);
}
