// The admin console driven in a real headless Chromium (issue 17 item 4): the system browser
// (Debian's chromium) through puppeteer-core from .tools/npm (scripts/install-deps). Run by
// tests/moderation_e2e_test.cpp (AdminConsoleBrowser), which starts the world and its bots and
// judges in the game what the console did; this script only acts as a member of staff would
// and checks what the pages show.
//
//   node tests/browser/admin_console.mjs <stage>
//   stage "admin":  log in as an admin, see the live world count the bots, find the player
//                   GRANT_PLAYER, grant it GRANT_ITEM ×GRANT_QUANTITY with a reason and see
//                   the grant in its ledger; find BAN_PLAYER and ban it.
//   stage "restore": (a moderator) mute MUTE_PLAYER, unban UNBAN_PLAYER, see both on the
//                   account pages and the unban in the audit log.
//   stage "viewer": log in as a viewer, find BAN_TRY_PLAYER, try to ban: refused.
// Environment: CONSOLE_URL (…/admin/), STAFF_USER, STAFF_PASSWORD, the players above,
// SCREENSHOT_DIR, CHROMIUM (default /usr/bin/chromium).
// Prints one JSON line (what the pages showed) and exits 0, or prints the failure and exits 1.
import { createRequire } from 'node:module';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

const require = createRequire(path.resolve('.tools/npm/package.json'));
const puppeteer = require('puppeteer-core');

const env = (name, fallback) => {
  const value = process.env[name] ?? fallback;
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
};
const stage = process.argv[2];
const screenshots = env('SCREENSHOT_DIR');
mkdirSync(screenshots, { recursive: true });

const browser = await puppeteer.launch({
  executablePath: env('CHROMIUM', '/usr/bin/chromium'),
  headless: true,
  // root in CI containers: Chromium's sandbox needs user namespaces it may not have.
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
const result = { stage };
let page;
try {
  page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  page.setDefaultTimeout(15000);
  const shot = (name) => page.screenshot({ path: path.join(screenshots, `${stage}-${name}.png`), fullPage: true });
  const text = (selector) => page.$eval(selector, (e) => e.textContent.trim());
  // Waits until `selector`'s text satisfies `test` (a RegExp), returns the text.
  const waitText = async (selector, test, what) => {
    try {
      await page.waitForFunction(
        (s, source) => {
          const e = document.querySelector(s);
          return e !== null && new RegExp(source).test(e.textContent);
        },
        {}, selector, test.source);
    } catch (error) {
      const seen = await page.$eval(selector, (e) => e.textContent).catch(() => '(no such element)');
      throw new Error(`${what}: ${selector} never matched ${test}; it shows: ${seen.slice(0, 400)}`);
    }
    return text(selector);
  };
  const fill = async (selector, value) => {
    await page.waitForSelector(selector, { visible: true });
    await page.$eval(selector, (e) => { e.value = ''; });
    await page.type(selector, String(value));
  };
  // Finds the account `name` and opens its page.
  const lookup = async (name) => {
    await page.click('#nav-players');
    await fill('#lookup-name', name);
    await page.click('#lookup-submit');
    await page.waitForSelector(`#player-link-${name}`, { visible: true });
    await page.click(`#player-link-${name}`);
    await waitText('#account-username', new RegExp(`^${name}$`), `the account page of ${name}`);
  };

  await page.goto(env('CONSOLE_URL'), { waitUntil: 'load' });
  await fill('#login-username', env('STAFF_USER'));
  await fill('#login-password', env('STAFF_PASSWORD'));
  await shot('login');
  await page.click('#login-submit');
  result.role = await waitText('#role', /viewer|moderator|admin/, 'the role after login');

  if (stage === 'admin') {
    await page.click('#nav-world');
    result.world_players = await waitText('#world-players', /^[2-9]|^[1-9][0-9]/, 'the live world');
    await shot('world');

    const grantee = env('GRANT_PLAYER');
    await lookup(grantee);
    await fill('#grant-item', env('GRANT_ITEM'));
    await fill('#grant-quantity', env('GRANT_QUANTITY'));
    await fill('#grant-reason', 'browser test: compensation');
    await page.click('#grant-submit');
    result.grant = await waitText('#action-result', /grant/i, 'the grant');
    const ledger = await waitText('#ledger-table', new RegExp(env('GRANT_ITEM')), 'the ledger');
    if (!/browser test: compensation/.test(ledger))
      throw new Error(`the ledger lacks the grant's reason: ${ledger.slice(0, 400)}`);
    result.ledger = ledger.slice(0, 300);
    await shot('ledger');

    await lookup(env('BAN_PLAYER'));
    // The player is online: the account page says where its character plays now.
    result.ban_player_where = await waitText('#account-characters', /hub_city_1 #\d+/, 'where the player is');
    await fill('#ban-reason', 'browser test: botting');
    await fill('#ban-duration', '0');
    await page.click('#ban-submit');
    result.ban = await waitText('#action-result', /kicked/i, 'the ban');
    await shot('banned');
  } else if (stage === 'restore') {
    // A moderator's other tools: mute a player, and restore the banned one.
    await lookup(env('MUTE_PLAYER'));
    await fill('#mute-reason', 'browser test: spam');
    await fill('#mute-duration', '1h');
    await page.click('#mute-submit');
    result.mute = await waitText('#action-result', /^mute: done/, 'the mute');
    result.muted_status = await waitText('#account-status', /muted until/, 'the muted status');
    await shot('muted');
    await lookup(env('UNBAN_PLAYER'));
    await waitText('#account-status', /banned/, 'the banned status before the unban');
    await fill('#unban-reason', 'browser test: appeal accepted');
    await page.click('#unban-submit');
    result.unban = await waitText('#action-result', /^unban: done/, 'the unban');
    result.unbanned_status = await waitText('#account-status', /in good standing/, 'the status after the unban');
    await page.click('#nav-audit');
    result.audit = (await waitText('#audit-table', /unban[\s\S]*appeal accepted|appeal accepted[\s\S]*unban/,
      'the unban in the audit log')).slice(0, 300);
    await shot('audit');
  } else if (stage === 'viewer') {
    await lookup(env('BAN_TRY_PLAYER'));
    await shot('lookup');
    const disabled = await page.$eval('#ban-submit', (e) => e.disabled).catch(() => null);
    if (disabled === null || disabled) {
      // The page hides or disables what the role cannot do; the server refuses it anyway.
      result.ban_button = disabled === null ? 'absent' : 'disabled';
      result.ban_status = await page.evaluate(async (id) => {
        const token = sessionStorage.getItem('omega_admin_token');
        const answer = await fetch(`/admin/v1/accounts/${id}/ban`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
          body: JSON.stringify({ reason: 'viewer tries', duration_s: 0 }),
        });
        return answer.status;
      }, env('BAN_TRY_ACCOUNT'));
    } else {
      await fill('#ban-reason', 'viewer tries');
      await fill('#ban-duration', '0');
      await page.click('#ban-submit');
      result.ban_button = 'enabled';
      result.ban_error = await waitText('#error', /forbidden|not allowed|role|403/i, 'the refusal');
    }
    await shot('refused');
  } else {
    throw new Error(`unknown stage ${stage}`);
  }
  console.log(JSON.stringify(result));
} catch (error) {
  if (page) await page.screenshot({ path: path.join(screenshots, `${stage}-failure.png`), fullPage: true }).catch(() => {});
  console.log(JSON.stringify({ ...result, error: String(error.message ?? error) }));
  process.exitCode = 1;
} finally {
  await browser.close();
}
