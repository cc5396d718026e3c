// The search page of a built site in headless Chromium: types queries into the search
// box and checks what comes back, that every result link resolves to an existing page
// and anchor, the header search box, and the page without JavaScript.
//
// usage: node search.mjs SITE_DIR [--base /sub/path/] [--content-encoding] [--xss]
// With --xss (a site built from hostile sources, tests/xss.rs) it searches for the
// payloads instead and checks that none of them runs or reaches the results as markup.
// With --content-encoding the server sends the gzipped index files with
// `Content-Encoding: gzip` (as some servers do), so the browser decodes them first.
// Prints one line per problem and a closing "N passed, N failed" line; exits 1 on failure.

import { chromium } from 'playwright-core';
import { serveSite } from './static-server.mjs';
import fs from 'node:fs';
import path from 'node:path';

const args = process.argv.slice(2);
const site = path.resolve(args[0] ?? 'public');
const i = args.indexOf('--base');
const base = i >= 0 ? args[i + 1] : '/';
const encoded = args.includes('--content-encoding');
const xss = args.includes('--xss');
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const { server, origin } = await serveSite(site, base, { gzipBin: encoded });

// Pages with the ids they carry, read from the files.
const ids = new Map();
function resolves(href) {
  const u = new URL(href);
  if (u.origin !== origin || !u.pathname.startsWith(base)) return `not an internal link: ${href}`;
  let p = path.join(site, decodeURIComponent(u.pathname).slice(base.length));
  if (fs.existsSync(p) && fs.statSync(p).isDirectory()) p = path.join(p, 'index.html');
  if (!fs.existsSync(p)) return `no page ${u.pathname}`;
  if (!u.hash) return null;
  if (!ids.has(p)) ids.set(p, new Set([...fs.readFileSync(p, 'utf8').matchAll(/\sid="([^"]+)"/g)].map((m) => m[1])));
  return ids.get(p).has(decodeURIComponent(u.hash.slice(1))) ? null : `no element with id ${u.hash} on ${u.pathname}`;
}

// Disclosure pages that print a row of code `code` (their rows carry ids `T..-code`).
function pagesWithCode(code) {
  const out = [];
  (function walk(dir) {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name === 'index.html' && new RegExp(`\\sid="[^"]+-${code}"`).test(fs.readFileSync(p, 'utf8'))) out.push(p);
    }
  })(site);
  return out;
}

const browser = await chromium.launch({
  executablePath,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const problems = [];
let passed = 0;
function check(name, cond, detail) {
  if (cond) passed += 1;
  else problems.push(`${name}: ${detail}`);
}

const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
const page = await context.newPage();
const errors = [];
page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`));
page.on('request', (r) => { if (!r.url().startsWith(origin)) errors.push(`external request: ${r.url()}`); });

await page.goto(`${origin}${base}search/`, { waitUntil: 'load' });
check('no-JavaScript note hidden with JavaScript', await page.locator('#search-nojs').isHidden(), 'still shown');

// Types `q` and returns the results shown, once the status says the search is done.
async function query(q) {
  await page.fill('#search-q', '');
  await page.type('#search-q', q, { delay: 20 });
  await page.waitForFunction((q) => {
    const s = document.getElementById('search-status').textContent;
    return s.includes(`“${q}”`) && !s.includes('正在');
  }, q, { timeout: 10000 });
  const started = Date.now();
  const results = await page.$$eval('#search-results > li', (lis) => lis.map((li) => ({
    kind: li.querySelector('.kind').textContent,
    title: li.querySelector('a').textContent,
    href: li.querySelector('a').href,
    context: li.querySelector('.meta').textContent,
    snippet: li.querySelector('.snippet')?.textContent ?? '',
    marked: [...li.querySelectorAll('mark')].map((m) => m.textContent),
    also: [...li.querySelectorAll('.also a')].map((a) => a.href),
  })));
  if (process.env.SEARCH_DEBUG) console.log(q, Date.now() - started, JSON.stringify(results.map((x) => [x.kind, x.title, x.href.replace(origin, ''), x.snippet.slice(0, 40), x.also.length]), null, 0));
  for (const r of results) {
    for (const href of [r.href, ...r.also]) {
      const problem = resolves(href);
      check(`“${q}” link ${href}`, !problem, problem);
    }
  }
  check(`“${q}” URL`, new URL(page.url()).searchParams.get('q') === q, page.url());
  return results;
}

page.on('dialog', async (d) => { errors.push(`dialog opened: ${d.message()}`); await d.dismiss(); });

if (xss) {
  for (const q of ['xss', 'script', 'onerror']) {
    const r = await query(q);
    check(`“${q}” finds the payloads`, r.length > 0, 'no result');
    const bad = await page.evaluate(() => {
      const out = [];
      if (window.__xss !== undefined) out.push(`window.__xss = ${window.__xss}`);
      for (const el of document.querySelectorAll('#search-results *')) {
        if (!['LI', 'A', 'P', 'SPAN', 'MARK'].includes(el.tagName)) out.push(`<${el.tagName.toLowerCase()}> in the results`);
        for (const a of el.attributes) {
          if (a.name.startsWith('on')) out.push(`${a.name} attribute`);
          if (a.name === 'href' && /^\s*(javascript|data|vbscript):/i.test(a.value)) out.push(`href ${a.value}`);
        }
      }
      return out;
    });
    check(`“${q}” results are text`, bad.length === 0, bad.join('; '));
  }
  check('no errors on the search page', errors.length === 0, errors.join('; '));
  await browser.close();
  server.close();
  for (const p of problems) console.log(`FAIL ${p}`);
  console.log(`search: ${passed} passed, ${problems.length} failed`);
  process.exit(problems.length ? 1 : 0);
}

// 衡山: the unit first, found by part of its name.
{
  const r = await query('衡山');
  check('衡山 finds the unit first', r[0]?.kind === '单位' && r[0].title === '衡山县医疗保障局', JSON.stringify(r[0]));
  check('衡山 finds its disclosure', r.some((x) => x.kind === '公开文件' && x.title.includes('衡山县医疗保障局2023年部门预算')), JSON.stringify(r.slice(0, 3)));
  check('衡山 marks the match', r[0]?.marked.includes('衡山'), JSON.stringify(r[0]));
}
// 医疗救助: the classification items first, then the text that mentions it.
{
  const r = await query('医疗救助');
  check('医疗救助 finds items first', r[0]?.kind === '科目' && /^\d+ .*医疗救助/.test(r[0].title), JSON.stringify(r[0]));
  check('医疗救助 finds 2101301 城乡医疗救助', r.some((x) => x.kind === '科目' && x.title === '2101301 城乡医疗救助' && /#T\d+-2101301$/.test(x.href)), JSON.stringify(r.slice(0, 5)));
  check('医疗救助 finds the explanation', r.some((x) => x.kind === '情况说明' && x.snippet.includes('医疗救助')), JSON.stringify(r.map((x) => x.title)));
  const firstOther = r.findIndex((x) => x.kind !== '科目');
  check('医疗救助 items before the rest', firstOther > 0 && r.slice(firstOther).every((x) => x.kind !== '科目'), JSON.stringify(r.map((x) => x.kind)));
}
// 2101501: that code's rows in every disclosure that prints it, first.
{
  const r = await query('2101501');
  const expected = pagesWithCode('2101501').length;
  const items = r.filter((x) => x.title.startsWith('2101501 '));
  check('2101501 has rows in the seeds', expected >= 3, `${expected}`);
  check('2101501 finds the code in every disclosure', items.length === expected, `${items.length} results for ${expected} pages`);
  check('2101501 items come first', r.slice(0, expected).every((x) => x.kind === '科目' && x.title.startsWith('2101501 ')), JSON.stringify(r.slice(0, expected).map((x) => x.title)));
  check('2101501 links to the row anchor', items.every((x) => x.href.endsWith('-2101501')), JSON.stringify(items.map((x) => x.href)));
  check('2101501 lists the other tables', items.some((x) => x.also.length > 0 && x.also.every((h) => /-2101501$/.test(h))), JSON.stringify(items.map((x) => x.also)));
}
// 公务接待: the 公务接待费 rows first, and the 三公 explanation.
{
  const r = await query('公务接待');
  check('公务接待 finds 30217 公务接待费 first', r[0]?.kind === '科目' && r[0].title === '30217 公务接待费', JSON.stringify(r[0]));
  check('公务接待 finds the 三公 explanation', r.some((x) => x.kind === '情况说明' && x.href.endsWith('#three-public') && x.snippet.includes('公务接待')), JSON.stringify(r.map((x) => `${x.title} ${x.href}`)));
  check('公务接待 finds the 三公 table', r.some((x) => x.kind === '公开表' && x.title.includes('三公')), JSON.stringify(r.map((x) => x.title)));
}
// Full-width digits and a query with nothing.
{
  const r = await query('２１０１５０１');
  check('full-width digits are folded', r[0]?.title.startsWith('2101501 '), JSON.stringify(r[0]));
  const none = await query('不存在的词语');
  check('no result says so', none.length === 0 && (await page.textContent('#search-status')).includes('没有找到'), 'results shown');
}
// Results fit a phone's width.
{
  await page.setViewportSize({ width: 390, height: 900 });
  await query('公务接待');
  const wide = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  check('results fit 390 px', wide <= 1, `${wide}px too wide`);
  if (process.env.SEARCH_SHOTS) await page.screenshot({ path: process.env.SEARCH_SHOTS, fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });
}
check('no errors on the search page', errors.length === 0, errors.join('; '));

// The header box on the home page leads to the results.
{
  await page.goto(`${origin}${base}`, { waitUntil: 'load' });
  await page.fill('.site-search input[name=q]', '衡山');
  await Promise.all([page.waitForURL(/search\/\?q=/), page.press('.site-search input[name=q]', 'Enter')]);
  await page.waitForFunction(() => document.querySelectorAll('#search-results > li').length > 0, null, { timeout: 10000 });
  const first = await page.textContent('#search-results > li a');
  check('header search box', first === '衡山县医疗保障局', first);
}

// Without JavaScript the page points to the unit list.
{
  const nojs = await browser.newContext({ javaScriptEnabled: false });
  const p = await nojs.newPage();
  await p.goto(`${origin}${base}search/?q=衡山`, { waitUntil: 'load' });
  const visible = await p.locator('#search-nojs').isVisible();
  const href = await p.getAttribute('#search-nojs a', 'href');
  check('without JavaScript: a note with a link to the home page', visible && href === base, `${visible} ${href}`);
  await nojs.close();
}

await browser.close();
server.close();
for (const p of problems) console.log(`FAIL ${p}`);
console.log(`search: ${passed} passed, ${problems.length} failed`);
process.exit(problems.length ? 1 : 0);
