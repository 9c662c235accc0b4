import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES } from '../../src/config.js';

const read = (file: string) => fs.readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');

describe('the configuration is documented', () => {
  it('lists every variable in .env.example and in the table in docs/configuration.md', () => {
    const example = read('.env.example');
    const guide = read('docs/configuration.md');
    const start = guide.indexOf('| variable | meaning | default |');
    expect(start, 'docs/configuration.md has the variable table').toBeGreaterThanOrEqual(0);
    const table = guide.slice(start, guide.indexOf('\n\n', start)); // the table ends at the first blank line
    expect(CONFIG_VARIABLES.length).toBeGreaterThan(40);
    for (const name of CONFIG_VARIABLES) {
      expect(example, `.env.example lacks ${name}`).toMatch(new RegExp(`^${name}=`, 'm'));
      expect(table, `docs/configuration.md's table lacks ${name}`).toContain(`\`${name}\``);
    }
  });
});
