/**
 * The playground in a real browser (Debian's Chromium driven by playwright-core), clicked
 * through as a newcomer would: /draft with text, a network and a time; a problem shown next to
 * the field; submit; the card in the approvals channel; the colleague and the author refused
 * privately; switch to an approver; Approve; the card updates in place; the author's DM; the
 * post in the outbox; /digest with its chart. Screenshots of the main screens are saved under
 * test-results/playground/.
 */
import { mkdirSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../../../src/app.js';
import { loadConfig } from '../../../src/config.js';
import { createMemoryLogger } from '../../../src/observability/logger.js';
import { tempDir } from '../../support/temp-db.js';

const SHOTS = 'test-results/playground';
let app: RunningApp;
let browser: Browser;
let page: Page;
const tmp = tempDir();

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  app = await startApp(loadConfig({ DATABASE_URL: `file:${tmp.file()}`, MEDIA_DIR: `${tmp.dir}/media` }), {
    logger: createMemoryLogger('info'),
    port: 0,
  });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    // Chromium's own calls home are refused on a closed network, many at a time: keep them off.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('pageerror', (error) => {
    throw error;
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  tmp.cleanup();
});

const PEOPLE: Record<string, string> = { 'Ann Author': 'U0ANN', 'Alice Approver': 'U0ALICE', 'Colin Colleague': 'U0COLIN' };
/** Switches person with the page's switcher, and waits until the page is theirs. */
const as = async (name: string) => {
  await page.selectOption('#person', PEOPLE[name]!);
  await expect
    .poll(() =>
      page
        .locator('#person')
        .evaluate(
          (select) => (select as unknown as { selectedOptions: Array<{ textContent: string }> }).selectedOptions[0]?.textContent ?? '',
        ),
    )
    .toContain(name);
};
const command = async (text: string) => {
  await page.fill('#composer-input', text);
  await page.press('#composer-input', 'Enter');
};
const card = () => page.locator('#messages .msg', { hasText: 'Post #1' }).first();

describe('the playground in a browser', () => {
  it('the whole approval day, clicked through', async () => {
    const loaded = Date.now();
    await page.goto(app.url);
    await page.waitForSelector('#person option', { state: 'attached' });
    expect(Date.now() - loaded).toBeGreaterThan(0);

    // Ann, in #social-approvals, types a slash command: the composer offers it with its hint.
    await as('Ann Author');
    await page.click('[data-testid="channel-social-approvals"]');
    await page.fill('#composer-input', '/dr');
    await expect.poll(() => page.isVisible('#hints')).toBe(true);
    expect(await page.textContent('#hints')).toContain('[text of the post]');
    await command('/draft Spring is here: 20% off everything this week 🌷');
    await page.waitForSelector('#modal-layer:not([hidden])');
    await page.screenshot({ path: `${SHOTS}/1-draft-dialog.png` });

    // The text came from the command; choose the sandbox and a time in the past: refused next to the time.
    expect(await page.inputValue('#modal-body textarea')).toContain('Spring is here');
    await page.check('#modal-body input[type=checkbox][value="sandbox"]');
    const when = page.locator('#modal-body [data-type="datetimepicker"]');
    await when.locator('input[type=date]').fill('2020-01-01');
    await when.locator('input[type=time]').fill('09:00');
    await page.click('#modal-submit');
    const error = page.locator('#modal-body [data-input-block="publish_at"] .sk-error');
    await error.waitFor();
    expect(await error.textContent()).toMatch(/past|future|already/i);
    await page.screenshot({ path: `${SHOTS}/2-validation-error.png` });

    // A time tomorrow: submitted, the dialog closes and the card is in the channel.
    const tomorrow = new Date(Date.now() + 26 * 3600_000);
    const berlin = new Intl.DateTimeFormat('en-CA', {
      timeZone: 'Europe/Berlin',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    }).format(tomorrow);
    await when.locator('input[type=date]').fill(berlin);
    await when.locator('input[type=time]').fill('10:30');
    await page.click('#modal-submit');
    await page.waitForSelector('#modal-layer', { state: 'hidden' });
    await card().waitFor();
    expect(await card().textContent()).toContain('Spring is here');
    expect(await card().locator('button', { hasText: 'Approve' }).count()).toBe(1);
    await page.screenshot({ path: `${SHOTS}/3-approval-card.png` });

    // Colin is no approver: refused, privately.
    await as('Colin Colleague');
    await card().locator('button', { hasText: 'Approve' }).click();
    await page.locator('#messages .msg.ephemeral').first().waitFor();
    expect(await page.textContent('#messages .msg.ephemeral')).toContain('Only visible to you');
    // Ann cannot approve her own post: refused, privately; she does not see Colin's notice.
    await as('Ann Author');
    expect(await page.locator('#messages .msg.ephemeral').count()).toBe(0);
    await card().locator('button', { hasText: 'Approve' }).click();
    await page.locator('#messages .msg.ephemeral').first().waitFor();

    // Alice approves: the card updates in place, without its buttons.
    await as('Alice Approver');
    expect(await page.locator('#messages .msg.ephemeral').count()).toBe(0);
    await card().locator('button', { hasText: 'Approve' }).click();
    await expect.poll(async () => card().locator('button', { hasText: 'Approve' }).count(), { timeout: 10_000 }).toBe(0);
    expect(await page.locator('#messages .msg', { hasText: 'Post #1' }).count()).toBe(1);
    await page.screenshot({ path: `${SHOTS}/4-approved-card.png` });

    // Ann hears in her DM with Greenlight.
    await as('Ann Author');
    await page.click('[data-testid="dm-greenlight"]');
    await expect.poll(() => page.textContent('#messages'), { timeout: 10_000 }).toMatch(/approved/i);

    // No waiting: publish it now; the outbox shows what the sandbox network published.
    await page.click('#publish-next');
    await page.click('#open-outbox');
    await page.locator('[data-testid="outbox-post"]').waitFor({ timeout: 10_000 });
    expect(await page.textContent('[data-testid="outbox-post"]')).toContain('Spring is here: 20% off everything this week 🌷');
    await page.screenshot({ path: `${SHOTS}/5-outbox.png` });

    // Alice posts the digest: its chart is in the thread, drawn as an image.
    await as('Alice Approver');
    await page.click('[data-testid="channel-social-digest"]');
    await command('/digest');
    const replies = page.locator('#messages .replies').first();
    await replies.waitFor({ timeout: 10_000 });
    await replies.click();
    const chart = page.locator('#thread-body img');
    await chart.waitFor();
    await expect
      .poll(() =>
        chart.evaluate((img) => {
          const i = img as unknown as { complete: boolean; naturalWidth: number };
          return i.complete ? i.naturalWidth : 0;
        }),
      )
      .toBeGreaterThan(100);
    await page.screenshot({ path: `${SHOTS}/6-digest.png` });
  }, 120_000);

  it('the same day in the Teams view: the draft dialog, the card drawn by Microsoft’s renderer, the approver’s buttons after Teams’ refresh, Approve', async () => {
    await as('Ann Author');
    await page.click('#chat-teams');
    await page.click('[data-testid="teams-channel-social-approvals"]');
    await page.click('#teams-draft');
    const dialog = page.locator('#teams-dialog-body');
    await dialog.locator('textarea').first().waitFor();
    await dialog.locator('textarea').first().fill('Hello from the Teams side 👋');
    await dialog.locator('button', { hasText: 'Submit for approval' }).click();
    await page.waitForSelector('#teams-dialog-layer', { state: 'hidden' });
    const teamsCard = page.locator('#teams-messages .tm', { hasText: 'Hello from the Teams side' });
    await teamsCard.waitFor({ timeout: 10_000 });
    // The author sees no decision buttons; an approver gets them from Teams' automatic refresh.
    expect(await teamsCard.locator('button', { hasText: 'Approve' }).count()).toBe(0);
    await as('Alice Approver');
    const approve = teamsCard.locator('button', { hasText: 'Approve' });
    await approve.waitFor({ timeout: 10_000 });
    // Drawn once, by Microsoft's renderer (its classes), buttons and all.
    expect(await teamsCard.locator('.ac-adaptiveCard').count()).toBe(1);
    await page.screenshot({ path: `${SHOTS}/7-teams-card.png` });
    await approve.click();
    await expect.poll(() => teamsCard.textContent(), { timeout: 10_000 }).toMatch(/Published/);
    expect(await teamsCard.locator('button', { hasText: 'Approve' }).count()).toBe(0);
    await page.screenshot({ path: `${SHOTS}/8-teams-published.png` });
  }, 60_000);
});
