// Live reload in headless Chromium against a running `gongkai serve`: opens a page,
// rewrites one figure in its source (an editor's atomic save: temporary file + rename),
// and waits — without any reload from the test — for the open page to show the new
// figure; then breaks the YAML and waits for the error overlay, and restores the file
// and waits for the overlay to clear.
//
// usage: node reload.mjs URL SOURCE_FILE OLD_TEXT NEW_TEXT NEW_FIGURE
// Prints what it saw; exits 1 on failure.

import { chromium } from 'playwright-core';
import fs from 'node:fs';

const [url, file, oldText, newText, newFigure] = process.argv.slice(2);
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
let failed = false;
try {
  const page = await browser.newPage();
  const navigations = [];
  page.on('framenavigated', (f) => { if (f === page.mainFrame()) navigations.push(f.url()); });
  await page.goto(url, { waitUntil: 'load' });
  // The live-reload script connects its event stream after the load.
  await page.waitForTimeout(300);
  const before = await page.innerText('body');
  if (before.includes(newFigure)) throw new Error(`page already shows ${newFigure}`);

  const save = (text) => {
    fs.writeFileSync(`${file}.tmp`, text);
    fs.renameSync(`${file}.tmp`, file);
  };
  const original = fs.readFileSync(file, 'utf8');
  if (!original.includes(oldText)) throw new Error(`source lacks ${oldText}`);
  const saved = Date.now();
  save(original.replace(oldText, newText));
  await page.waitForFunction((f) => document.body.innerText.includes(f), newFigure, { timeout: 20000 });
  console.log(`new figure ${newFigure} shown ${Date.now() - saved} ms after the save, ${navigations.length - 1} reload(s), no reload by the test`);
  if (navigations.length < 2) throw new Error('the page changed without navigating?');

  save(`${original}\nbroken_key: [unclosed\n`);
  // (The edited figure already breaks a sum, so an overlay may be up: wait for this error.)
  await page.waitForFunction(() => {
    const o = document.querySelector('#gongkai-overlay');
    return o && o.innerText.includes('broken_key');
  }, null, { timeout: 20000 });
  console.log('error overlay shown');

  save(original);
  await page.waitForFunction(() => !document.querySelector('#gongkai-overlay, .gongkai-overlay'), null, { timeout: 20000 });
  console.log('overlay cleared after the fix');
  // The full rebuild that follows the edited unit's must not bring an error back (it
  // once did: a listing remembered from the broken state was kept for the fixed one).
  await new Promise((r) => setTimeout(r, 5000));
  if (await page.evaluate(() => !!document.querySelector('#gongkai-overlay, .gongkai-overlay'))) {
    throw new Error('an error overlay came back after the full rebuild');
  }
  console.log('overlay still clear after the full rebuild');
} catch (e) {
  failed = true;
  console.log(`FAILED: ${e.message}`);
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
