import type { Markup } from '../../presentation/markup.js';

/**
 * Adaptive Card TextBlock markdown (the subset Teams renders): `**bold**`, `[label](url)`.
 * People's text is backslash-escaped so it cannot become markup or a link.
 */
export function escapeCardMarkdown(text: string): string {
  return text.replace(/[\\*_[\]()`~#>|<]/g, (c) => `\\${c}`);
}

export const TEAMS_MARKUP: Markup = {
  text: escapeCardMarkdown,
  bold: (marked) => `**${marked}**`,
  link: (url, label) => `[${label}](${url})`,
  // A name, not an <at> mention: a mention needs an entity per message, and names read well.
  person: (p) => escapeCardMarkdown(p.displayName),
};
