/**
 * `npm run teams:icons`: draws Greenlight's Teams app icons (scripts/teams/icons.ts) into
 * appPackage/color.png and appPackage/outline.png. The PNGs are committed; run this after
 * changing the drawing, and test/unit/teams/icons.test.ts checks the two stay in step.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderIcons } from './teams/icons.js';

const dir = fileURLToPath(new URL('../appPackage/', import.meta.url));
for (const [name, png] of Object.entries(renderIcons())) {
  writeFileSync(dir + name, png);
  console.log(`teams:icons: wrote appPackage/${name} (${png.length} bytes)`);
}
