import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES } from '../../src/config.js';

const read = (file: string) => fs.readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');

describe('the configuration is documented', () => {
  it('lists every variable in .env.example and in the README’s table', () => {
    const example = read('.env.example');
    const readme = read('README.md');
    const table = readme.slice(readme.indexOf('| variable | meaning | default |'), readme.indexOf('## Slack'));
    expect(CONFIG_VARIABLES.length).toBeGreaterThan(40);
    for (const name of CONFIG_VARIABLES) {
      expect(example, `.env.example lacks ${name}`).toMatch(new RegExp(`^${name}=`, 'm'));
      expect(table, `README table lacks ${name}`).toContain(`\`${name}\``);
    }
  });
});
