/**
 * The last resort for a caption still too long after one regeneration: cut it at a word
 * boundary so it fits, and end it with "…" so the cut shows.
 */
const ELLIPSIS = '…';
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Trailing spaces and punctuation that would dangle before the ellipsis. */
const DANGLING = /[\s,;:\-–—([{"'“‘]+$/u;

/**
 * The longest prefix of `text` ending at a word boundary that, with "…", measures at most
 * `limit`. Texts without spaces (Chinese, Japanese, one long word) are cut between
 * graphemes instead. Counting is the caller's (a network's own rules), so weighted counts
 * (X's 23 per link, 2 per emoji) are respected.
 */
export function shortenToFit(text: string, limit: number, measure: (text: string) => number): string {
  if (measure(text) <= limit) return text;
  const fits = (end: number) => measure(text.slice(0, end).replace(DANGLING, '') + ELLIPSIS) <= limit;

  const spaces: number[] = [];
  for (const m of text.matchAll(/\s+/g)) if (m.index > 0) spaces.push(m.index);
  const atWord = longestFitting(spaces, fits);
  // Cutting at a word only if it keeps a fair part of the text; otherwise a grapheme cut says more.
  if (atWord !== undefined && measure(text.slice(0, atWord)) >= limit / 2) return finish(text, atWord);

  const breaks: number[] = [];
  for (const s of graphemes.segment(text)) if (s.index > 0) breaks.push(s.index);
  const atGrapheme = longestFitting(breaks, fits);
  if (atGrapheme !== undefined && (atWord === undefined || atGrapheme > atWord)) return finish(text, atGrapheme);
  return atWord !== undefined ? finish(text, atWord) : '';
}

function finish(text: string, end: number): string {
  return text.slice(0, end).replace(DANGLING, '') + ELLIPSIS;
}

/**
 * The largest cut in `cuts` (ascending) that fits. Counts grow with the prefix (links are
 * never split, since they hold no spaces), so a binary search finds it; the result is
 * checked, and the search walks down if a count was not monotonic after all.
 */
function longestFitting(cuts: readonly number[], fits: (end: number) => boolean): number | undefined {
  let lo = 0;
  let hi = cuts.length - 1;
  let best = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (fits(cuts[mid]!)) {
      best = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  for (let i = best; i >= 0; i--) if (fits(cuts[i]!)) return cuts[i];
  return undefined;
}
