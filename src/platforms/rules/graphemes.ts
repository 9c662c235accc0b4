// One segmenter for the process: constructing one per call would dominate the cost of a
// keystroke-sized count. Grapheme boundaries do not depend on the locale.
const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Matches text that is ASCII without CR: there every UTF-16 unit is its own grapheme. */
const SIMPLE_ASCII = /^[\x00-\x0c\x0e-\x7f]*$/;

/**
 * User-perceived characters (Unicode extended grapheme clusters, UAX #29): 👨‍👩‍👧‍👦, 🇩🇪,
 * 👍🏽 and "e" + U+0301 each count 1. This is how Bluesky and Mastodon count.
 */
export function countGraphemes(text: string): number {
  if (SIMPLE_ASCII.test(text)) return text.length;
  let count = 0;
  for (const _ of segmenter.segment(text)) count++;
  return count;
}
