import type { NetworkId } from '../../domain/network.js';

/**
 * How each network's users expect a caption to look, hashtags above all. Told to the model
 * per network, because one house style everywhere reads wrong on most of them.
 */
export const NETWORK_STYLE: Readonly<Record<NetworkId, string>> = {
  sandbox: 'A general-purpose post for no particular network; 1–3 hashtags at most.',
  x: 'Short and punchy; 1–2 hashtags, woven into the sentence or at the end. X counts every link as 23 characters and an emoji as 2.',
  linkedin:
    'Professional and readable: a clear first line (it shows before "see more"), short paragraphs, 3–5 relevant hashtags on a line of their own at the end.',
  facebook: 'Conversational; hashtags are rarely used there: 0–2 at most.',
  instagram:
    'A strong first line, then the details; 3–5 relevant hashtags on a line of their own at the end (never more than 30), @mentions only if the draft has them.',
  pinterest:
    'The first line becomes the pin title (keep it under 100 characters); then a keyword-rich description; 2–5 descriptive hashtags at the end.',
  mastodon:
    'Friendly and plain; 1–3 hashtags written in CamelCase (#SpringSale) so screen readers read them, since Mastodon search finds posts by hashtag. Links count as 23 characters.',
  youtube:
    'A video description: the first two lines show above "more", so lead with what the video is; then details and links; 3–5 hashtags at the end (YouTube shows the first three above the title). No < or >.',
  bluesky: 'Short and conversational; 0–2 hashtags. Bluesky counts characters as people see them (an emoji is 1).',
};
