// The comparison pages in headless Chromium: together they list every unit of the home
// page; each figure's data-value is the exact number it shows; and every column sorts
// on click and from the keyboard (Enter, Space) — numbers ascending then descending by
// their exact decimal value (not the formatted text), figures the sources lack last,
// unit names by Chinese collation — with aria-sort on the sorted header only.
//
// usage: node compare.mjs SITE_DIR [--base /sub/path/] [--units N]
// Prints one line per problem and a closing "N passed, N failed" line; exits 1 on failure.

import { chromium } from 'playwright-core';
import { serveSite } from './static-server.mjs';
import fs from 'node:fs';
import path from 'node:path';

const args = process.argv.slice(2);
const site = path.resolve(args[0] ?? 'public');
const i = args.indexOf('--base');
const base = i >= 0 ? args[i + 1] : '/';
const u = args.indexOf('--units');
const expectUnits = u >= 0 ? Number(args[u + 1]) : null;
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';

const { server, origin } = await serveSite(site, base);

// Exact decimal comparison, independent of the page's script: scale both to a common
// number of decimals and compare as BigInt.
function exact(a, b) {
  const split = (s) => {
    const [int, frac = ''] = s.replace(/^-/, '').split('.');
    return { neg: s.startsWith('-'), int, frac };
  };
  const x = split(a);
  const y = split(b);
  const n = Math.max(x.frac.length, y.frac.length);
  const big = (v) => BigInt((v.neg ? '-' : '') + v.int + v.frac.padEnd(n, '0'));
  const d = big(x) - big(y);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}
const collator = new Intl.Collator('zh-Hans-CN');

let passed = 0;
let failed = 0;
const problems = [];
function check(ok, what) {
  if (ok) passed += 1;
  else { failed += 1; problems.push(what); }
}

const browser = await chromium.launch({
  executablePath,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
const errors = [];
page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
page.on('pageerror', (e) => errors.push(e.message));

await page.goto(`${origin}${base}`);
const homeUnits = await page.$$eval('.unit-card h4 a', (as) => as.map((a) => a.textContent.trim()).sort());
await page.goto(`${origin}${base}compare/`);
const comparisons = await page.$$eval('.compare-list a', (as) => as.map((a) => a.href));
check(comparisons.length > 0, 'compare/: no comparison pages listed');

const listed = new Set();
let numericDiffersFromText = false;
for (const url of comparisons) {
  await page.goto(url);
  const rel = url.slice(origin.length);
  const names = await page.$$eval('table.sortable tbody tr > th > a:not(.verdict)', (as) => as.map((a) => a.textContent.trim()));
  names.forEach((n) => listed.add(n));
  // Every shown figure's data-value is its exact value (as long as the page converts
  // nothing, the shown digits themselves; every zero shows 0.00). The figure is the
  // cell's first element; a note's number may follow it.
  const cells = await page.$$eval('table.sortable tbody td', (tds) => tds.map((td) => ({
    value: td.getAttribute('data-value'), text: (td.firstElementChild ?? td).textContent.trim(),
    title: td.querySelector('a')?.title ?? '',
  })));
  for (const c of cells) {
    if (c.value === null) { check(c.text.startsWith('—'), `${rel}: a cell without data-value shows "${c.text}"`); continue; }
    check(exact(c.text.replace(/,/g, ''), c.value) === 0, `${rel}: shows ${c.text} but data-value is ${c.value}`);
  }
  const heads = await page.$$('table.sortable thead th');
  check(heads.length === 6, `${rel}: ${heads.length} columns`);
  const buttons = await page.$$('table.sortable thead th > button.sort');
  check(buttons.length === heads.length, `${rel}: ${buttons.length} sort buttons for ${heads.length} columns`);
  const column = (col) => page.$$eval('table.sortable tbody tr', (trs, col) => trs.map((tr) => ({
    value: tr.cells[col].getAttribute('data-value'), text: tr.cells[col].textContent.trim(),
  })), col);
  const ariaSorts = () => page.$$eval('table.sortable thead th', (ths) => ths.map((th) => th.getAttribute('aria-sort')));

  for (let col = 0; col < buttons.length; col += 1) {
    const numeric = col > 0;
    const expectOrder = async (dir, how) => {
      const rows = await column(col);
      const values = rows.map((r) => r.value);
      const present = values.filter((v) => v !== null);
      const firstMissing = values.indexOf(null);
      check(firstMissing < 0 || values.slice(firstMissing).every((v) => v === null),
        `${rel} col ${col} ${dir} (${how}): missing figures not last: ${JSON.stringify(values)}`);
      const cmp = numeric ? exact : (a, b) => collator.compare(a, b);
      const ordered = present.every((v, k) => k === 0 || (dir === 'ascending' ? cmp(present[k - 1], v) <= 0 : cmp(present[k - 1], v) >= 0));
      check(ordered, `${rel} col ${col} ${dir} (${how}): not sorted: ${JSON.stringify(values)}`);
      const sorts = await ariaSorts();
      check(sorts[col] === dir && sorts.filter((s) => s !== null).length === 1,
        `${rel} col ${col} ${dir} (${how}): aria-sort ${JSON.stringify(sorts)}`);
      if (numeric && dir === 'ascending') {
        const texts = rows.filter((r) => r.value !== null).map((r) => r.text);
        const byText = [...texts].sort();
        if (JSON.stringify(byText) !== JSON.stringify(texts)) numericDiffersFromText = true;
      }
    };
    await buttons[col].click();
    await expectOrder('ascending', 'click');
    await buttons[col].click();
    await expectOrder('descending', 'click');
    await buttons[col].focus();
    await page.keyboard.press('Enter');
    await expectOrder('ascending', 'Enter');
    await page.keyboard.press('Space');
    await expectOrder('descending', 'Space');
  }
  const status = await page.$eval('.sort-status', (p) => p.textContent);
  check(status.includes('从大到小'), `${rel}: status line says "${status}"`);
}
check(numericDiffersFromText, 'no column where numeric order differs from the order of the formatted text: the test cannot tell them apart');
check(JSON.stringify([...listed].sort()) === JSON.stringify(homeUnits),
  `units on the comparison pages ${JSON.stringify([...listed].sort())} differ from the home page's ${JSON.stringify(homeUnits)}`);
check(homeUnits.length > 0, 'no units on the home page');
if (expectUnits !== null) check(listed.size === expectUnits, `${listed.size} units on the comparison pages, expected ${expectUnits}`);
check(errors.length === 0, `console errors: ${errors.join('; ')}`);

await browser.close();
server.close();
for (const p of problems) console.log(`FAIL ${p}`);
console.log(`compare: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
