/**
 * The Graph API's `fields` syntax, as far as Greenlight uses it:
 * `a,b.summary(total_count).limit(0),insights.metric(likes,views)`.
 */
export interface FieldRequest {
  name: string;
  /** `.summary(x)`, `.limit(0)`, `.metric(a,b)` → { summary: ['x'], limit: ['0'], metric: ['a','b'] } */
  modifiers: Record<string, string[]>;
}

export function parseFields(value: string | null): FieldRequest[] {
  if (!value) return [];
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of value) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  if (current) parts.push(current);
  return parts
    .map((p) => p.trim())
    .filter(Boolean)
    .map((part) => {
      const name = /^[a-z_]+/i.exec(part)?.[0] ?? part;
      const modifiers: Record<string, string[]> = {};
      for (const m of part.slice(name.length).matchAll(/\.(\w+)\(([^)]*)\)/g)) {
        modifiers[m[1]!] = m[2]!
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
      }
      return { name, modifiers };
    });
}
