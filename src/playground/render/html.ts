/** HTML escaping for everything the playground draws from chat content. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** An attribute value: escaped and quoted. */
export const attr = (value: unknown): string => `"${escapeHtml(String(value))}"`;
