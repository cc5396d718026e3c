// The 核对结果 of every disclosure page in headless Chromium, against what
// `gongkai check --format json` reported (EXPECTED: a JSON list of {page, rule,
// acknowledged, reason}, one per diagnostic that is a finding of the publication):
// each page lists exactly those findings (by rule, acknowledged or not, with the
// reason); every link of a finding leads to an element on the page that carries a
// marker (`a.flag`) linked back to that finding, and every marker to an existing
// finding; following a marker's link targets the finding. Then two reader's checks:
// 衡阳 T10 shows 1,008.74 beside 1,868.74, and 荷塘 T21's four project rows are marked.
//
// usage: node findings.mjs SITE_DIR EXPECTED_JSON [--base /sub/path/]
// Prints one line per problem and a closing "N passed, N failed" line; exits 1 on failure.

import { chromium } from 'playwright-core';
import { serveSite } from './static-server.mjs';
import fs from 'node:fs';
import path from 'node:path';

const args = process.argv.slice(2);
const site = path.resolve(args[0]);
const expected = JSON.parse(fs.readFileSync(args[1], 'utf8'));
const i = args.indexOf('--base');
const base = i >= 0 ? args[i + 1] : '/';
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';

const { server, origin } = await serveSite(site, base);
const browser = await chromium.launch({
  executablePath,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });

let passed = 0;
let failed = 0;
const problems = [];
const check = (ok, what) => {
  if (ok) passed += 1;
  else { failed += 1; problems.push(what); }
};

const byPage = new Map();
for (const e of expected) {
  if (!byPage.has(e.page)) byPage.set(e.page, []);
  byPage.get(e.page).push(e);
}
// Every disclosure page, also those without findings.
const pages = new Set(byPage.keys());
(function walk(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.name === 'data.json') pages.add(path.relative(site, dir).split(path.sep).join('/') + '/');
  }
})(site);

let markers = 0;
for (const rel of [...pages].sort()) {
  const page = await context.newPage();
  await page.goto(`${origin}${base}${rel}`, { waitUntil: 'load' });
  const seen = await page.evaluate(() => {
    const section = document.getElementById('findings');
    if (!section) return null;
    const items = [...section.querySelectorAll('li.finding')].map((li) => ({
      id: li.id,
      rule: li.dataset.rule,
      acknowledged: li.dataset.acknowledged === 'true',
      text: li.textContent,
      links: [...li.querySelectorAll('.finding-links a')].map((a) => a.getAttribute('href')),
    }));
    const inToc = !!document.querySelector('nav.toc a[href="#findings"]');
    // Each link's target: does it carry (or is it) a marker linked to the finding?
    const targets = items.map((f) => f.links.map((href) => {
      const el = document.getElementById(decodeURIComponent(href.slice(1)));
      if (!el) return `no element ${href}`;
      const flag = `a.flag[href="#${f.id}"]`;
      return el.matches(flag) || el.querySelector(flag) ? null : `${href} carries no marker of ${f.id}`;
    }));
    const flags = [...document.querySelectorAll('a.flag')].map((a) => ({
      href: a.getAttribute('href'),
      label: a.getAttribute('aria-label') ?? '',
      text: a.textContent,
      ok: !!document.getElementById(a.getAttribute('href').slice(1)),
    }));
    return { items, inToc, targets, flags, verdict: section.querySelector('.verdict')?.textContent ?? '' };
  });
  check(seen !== null, `${rel}: no 核对结果 section`);
  if (!seen) { await page.close(); continue; }
  check(seen.inToc, `${rel}: 核对结果 not in the table of contents`);
  check(seen.verdict.startsWith('核对：'), `${rel}: no verdict`);
  const want = byPage.get(rel) ?? [];
  check(seen.items.length === want.length, `${rel}: ${seen.items.length} findings shown, ${want.length} diagnostics`);
  // The same rules, as many times, acknowledged the same, reasons shown.
  const key = (x) => `${x.rule}|${x.acknowledged}`;
  const count = (xs) => xs.reduce((m, x) => m.set(key(x), (m.get(key(x)) ?? 0) + 1), new Map());
  const a = count(seen.items);
  const b = count(want);
  for (const k of new Set([...a.keys(), ...b.keys()])) {
    check(a.get(k) === b.get(k), `${rel}: ${k}: ${a.get(k) ?? 0} shown, ${b.get(k) ?? 0} expected`);
  }
  for (const w of want.filter((w) => w.reason)) {
    check(seen.items.some((s) => s.rule === w.rule && s.text.includes(w.reason)), `${rel}: reason not shown: ${w.reason}`);
  }
  if (want.length === 0) check(seen.verdict === '核对：全部相符', `${rel}: verdict ${seen.verdict}`);
  seen.items.forEach((f, k) => {
    check(f.links.length > 0, `${rel}: ${f.id} links nowhere`);
    for (const problem of seen.targets[k]) check(problem === null, `${rel}: ${f.id}: ${problem}`);
  });
  for (const flag of seen.flags) {
    markers += 1;
    check(flag.ok, `${rel}: marker to missing ${flag.href}`);
    check(/^※\d+$/.test(flag.text) && flag.label.startsWith('核对结果第'), `${rel}: marker ${flag.href} is "${flag.text}" / "${flag.label}"`);
  }
  // Following a marker reaches its finding.
  if (seen.flags.length) {
    await page.click(`a.flag[href="${seen.flags[0].href}"]`);
    const target = await page.evaluate(() => document.querySelector(':target')?.id ?? '');
    check(`#${target}` === seen.flags[0].href, `${rel}: following ${seen.flags[0].href} targets #${target}`);
  }
  await page.close();
}

// 衡阳 T10: the computed sum beside the published 年初预算.
{
  const page = await context.newPage();
  await page.goto(`${origin}${base}hengyang-ybj/2022-final/`, { waitUntil: 'load' });
  const cell = await page.evaluate(() => [...document.querySelectorAll('#T10-total td.flagged')].map((td) => td.innerText.replace(/\s+/g, ' ')));
  check(cell.some((t) => t.includes('1,868.74') && t.includes('各行合计 1,008.74')), `衡阳 T10: ${JSON.stringify(cell)}`);
  await page.close();
}
// 荷塘 T21: the four project rows that count 155.22 twice.
{
  const page = await context.newPage();
  await page.goto(`${origin}${base}hetang-ybj/2023-budget/`, { waitUntil: 'load' });
  const rows = await page.evaluate(() => [2, 3, 4, 5].map((n) => {
    const tr = document.getElementById(`T21-u038001_${n}`);
    return tr ? tr.querySelectorAll('a.flag').length : -1;
  }));
  check(rows.every((n) => n > 0), `荷塘 T21 project rows' markers: ${rows}`);
  await page.close();
}
check(markers > 0, 'no marker on any page');

await browser.close();
server.close();
for (const p of problems) console.log(`FAIL ${p}`);
console.log(`findings: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
