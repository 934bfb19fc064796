import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunningApp } from '../src/bootstrap.js';
import { startTestApp } from './helpers.js';

const RESULTS = fileURLToPath(new URL('../test-results/', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let app: RunningApp;
let context: BrowserContext;
let page: Page;
let profile: string;

beforeAll(async () => {
  app = await startTestApp();
  profile = mkdtempSync(join(tmpdir(), 'sms-console-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true, // adds --headless
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1360, height: 900 },
  });
  page = context.pages()[0] ?? (await context.newPage());
});

afterAll(async () => {
  await context?.close();
  await app?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

const counter = async () => ({
  encoding: await page.locator('#encoding').textContent(),
  segments: Number(await page.locator('#segments').textContent()),
  remaining: Number(await page.locator('#remaining').textContent()),
});

it('counts in the browser with core, shows field errors, sends, and the row turns delivered', async () => {
  await page.goto(`${app.url}/`);
  await page.locator('body[data-ready="true"]').waitFor();
  await expect(page.locator('#backend').textContent()).resolves.toBe('in-process sandbox');
  await expect(page.locator('#simulate').isVisible()).resolves.toBe(true);

  await page.locator('#to').fill('06 12 34 56 78');
  const message = page.locator('#message');
  await message.pressSequentially('Bonjour, votre commande est prête.');
  expect(await counter()).toEqual({ encoding: 'GSM-7', segments: 1, remaining: 160 - 34 });

  // € is a GSM-7 extension (sent as :euro:): still GSM-7, highlighted as replaced.
  await message.pressSequentially(' Total 12€');
  const withEuro = await counter();
  expect(withEuro.encoding).toBe('GSM-7');
  // ê is replaced by e on sending, € goes as :euro:.
  expect(await page.locator('#backdrop mark.repl').allTextContents()).toEqual(['ê', '€']);

  // An emoji forces UCS-2: 70 per SMS.
  await message.pressSequentially(' 🎉');
  const withEmoji = await counter();
  expect(withEmoji.encoding).toBe('UCS-2');
  expect(withEmoji.remaining).toBeLessThan(70);
  expect(await page.locator('#backdrop mark.ucs2').allTextContents()).toEqual(['🎉']);

  // Long enough for a second UCS-2 part.
  await message.pressSequentially(' Merci de votre confiance, à bientôt !');
  const twoParts = await counter();
  expect(twoParts).toMatchObject({ encoding: 'UCS-2', segments: 2 });

  // A bad number: the error shows next to the field, nothing is sent.
  await page.locator('#to').fill('12');
  await page.locator('#send').click();
  const toError = page.locator('[data-error-for="to"]');
  await toError.filter({ hasText: /./ }).waitFor();
  expect(await page.locator('#to').getAttribute('class')).toContain('invalid');
  expect(await page.locator('#messages tbody tr').count()).toBe(0);

  // The STOP mention box counts the mention the provider appends.
  const without = await counter();
  await page.locator('#isStopSms').check();
  const withMention = await counter();
  expect(withMention.remaining).toBeLessThan(without.remaining);
  await page.locator('#isStopSms').uncheck();
  expect(await counter()).toEqual(without);

  await page.locator('#tag').fill('rdv');
  await page.locator('#to').fill('06 12 34 56 78');
  await page.locator('#send').click();
  await page.locator('#send-result.ok').waitFor();
  expect(await toError.textContent()).toBe('');
  // Cleared for the next message; the recipient stays.
  expect(await page.locator('#message').inputValue()).toBe('');
  expect(await page.locator('#tag').inputValue()).toBe('');
  expect(await page.locator('#to').inputValue()).toBe('06 12 34 56 78');
  expect(await counter()).toMatchObject({ segments: 0 });
  const row = page.locator('#messages tbody tr').first();
  await row.locator('.status.delivered').waitFor();
  expect(await row.locator('td').nth(4).textContent()).toContain('2 · UCS-2');
  expect(await row.locator('.tagline').textContent()).toBe('#rdv');
  // The receipt as it arrived, in the Raw callbacks pane (token removed).
  await page.locator('#raw-callbacks li', { hasText: '/dlr' }).first().waitFor();
  expect(await page.locator('#raw-callbacks').textContent()).not.toContain('token=');

  mkdirSync(RESULTS, { recursive: true });
  await page.screenshot({ path: join(RESULTS, 'console-send.png'), fullPage: true });
});

it('shows replies, a reassembled long reply, an opt-out and the refusal that follows', async () => {
  const send = async (to: string, text: string) => {
    await page.locator('#to').fill(to);
    await page.locator('#message').fill(text);
    await page.locator('#send').click();
    await page.locator('#send-result').filter({ hasText: /./ }).waitFor();
  };
  await send(
    '+33 6 98 76 54 32',
    'Votre rendez-vous est confirmé pour jeudi à 14h30. Répondez OUI ou NON.',
  );
  await send('+33 6 00 00 00 01', 'Ce numéro ne recevra rien (sandbox : non délivré).');
  await page.locator('#messages .status.not_delivered').waitFor();

  await page.locator('#reply-from').fill('+33 6 98 76 54 32');
  await page.locator('#reply-text').fill('OUI, merci ! À jeudi.');
  await page.locator('#simulate button').click();
  await page.locator('#replies li', { hasText: 'OUI, merci' }).waitFor();

  const long =
    'Bonjour, je ne serai finalement pas disponible jeudi après-midi. Serait-il possible de décaler le rendez-vous à vendredi matin, idéalement vers 10h ? Sinon lundi prochain me conviendrait aussi, à la même heure. Merci de me confirmer par SMS, bonne journée et à bientôt.';
  await page.locator('#reply-text').fill(long);
  await page.locator('#simulate button').click();
  const longReply = page.locator('#replies li', { hasText: 'vendredi matin' });
  await longReply.waitFor();
  expect(await longReply.textContent()).toContain(long);
  expect(await longReply.locator('.when').textContent()).toMatch(/[2-9] parts reassembled/);

  await page.locator('#reply-from').fill('06 12 34 56 78');
  await page.locator('#reply-text').fill('STOP');
  await page.locator('#simulate button').click();
  await page.locator('#opt-outs li', { hasText: '+33612345678' }).waitFor();

  await send('06 12 34 56 78', 'Une dernière promo ?');
  await page.locator('#send-result.bad').waitFor();
  expect(await page.locator('#send-result').textContent()).toContain('code 14');
  expect(await page.locator('[data-error-for="to"]').textContent()).toContain('STOP');
  await page
    .locator('#message')
    .fill('Votre commande est prête : 49,90€ réglés. Livraison demain 🚚');
  await page.locator('#to').fill('');
  await page.locator('#send-result').evaluate((el) => {
    el.textContent = '';
  });
  await page.locator('[data-error-for="to"]').evaluate((el) => {
    el.textContent = '';
  });
  await page.locator('#to').evaluate((el) => el.classList.remove('invalid'));
  await page.locator('#to').fill('+33 6 98 76 54 32');
  await page.screenshot({ path: join(RESULTS, 'console.png'), fullPage: true });
});

it('fits a 390 px wide phone screen, and has a favicon', async () => {
  const phone = await context.newPage();
  await phone.setViewportSize({ width: 390, height: 844 });
  await phone.goto(`${app.url}/`);
  await phone.locator('body[data-ready="true"]').waitFor();
  await phone.locator('#messages tbody tr').first().waitFor();
  const width = await phone.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(390);
  mkdirSync(RESULTS, { recursive: true });
  await phone.screenshot({ path: join(RESULTS, 'console-390.png'), fullPage: true });
  const icon = await fetch(`${app.url}/favicon.ico`);
  expect(icon.status).toBe(200);
  expect(icon.headers.get('content-type')).toMatch(/icon/);
  await phone.close();
});
