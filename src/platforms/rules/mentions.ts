import twitterText from 'twitter-text';

/**
 * The @mentions a text contains, without the `@`, in order, repeats included.
 *
 * twitter-text's grammar: `@name` after a space or punctuation, never inside an email
 * address. It reads at most 20 characters of a username and stops at a period, which
 * changes the name but not how many mentions are counted.
 */
export function extractMentions(text: string): string[] {
  if (!text.includes('@') && !text.includes('＠')) return [];
  return twitterText.extractMentions(text);
}
