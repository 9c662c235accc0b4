import twitterText from 'twitter-text';

/**
 * The hashtags a text contains, without the `#`, in order, repeats included.
 *
 * twitter-text's extractor is the one well-specified, Unicode-aware hashtag grammar
 * available: `#café` and `#日本` are hashtags; `C#`, `abc#def`, `#2024` (no letter) and a
 * `#fragment` inside a URL are not.
 */
export function extractHashtags(text: string): string[] {
  if (!text.includes('#') && !text.includes('＃')) return [];
  return twitterText.extractHashtags(text);
}
