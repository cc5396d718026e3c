// Opens every page of a built site in headless Chromium at 1280 px and 390 px wide and
// fails on console errors, failed or external requests, and content overflowing the page.
//
// usage: node pages.mjs SITE_DIR [--base /sub/path/] [--shots DIR]
// Prints one line per problem and a closing "N passed, N failed" line; exits 1 on failure.

import { chromium } from 'playwright-core';
import { serveSite } from './static-server.mjs';
import fs from 'node:fs';
import path from 'node:path';

const args = process.argv.slice(2);
const site = path.resolve(args[0] ?? 'public');
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const base = opt('--base', '/');
const shots = opt('--shots', null);
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';


const { server, origin } = await serveSite(site, base);

const pages = [];
(function walk(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.name.endsWith('.html')) pages.push(path.relative(site, p).split(path.sep).join('/'));
  }
})(site);

const browser = await chromium.launch({
  executablePath,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const checked = new Map();
const pageIds = new Map();
async function linkProblem(u) {
  const r = await fetch(`${origin}${u.pathname}`);
  if (r.status !== 200) return `HTTP ${r.status}`;
  if (!u.hash) return null;
  if (!pageIds.has(u.pathname)) {
    const html = await r.text();
    pageIds.set(u.pathname, new Set([...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1])));
  }
  const id = decodeURIComponent(u.hash.slice(1));
  return pageIds.get(u.pathname).has(id) ? null : `no element with id "${id}"`;
}
let passed = 0;
let failed = 0;
const problems = [];
for (const width of [1280, 390]) {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  for (const rel of pages) {
    const page = await context.newPage();
    const errors = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
    page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
    page.on('dialog', async (d) => { errors.push(`dialog opened: ${d.message()}`); await d.dismiss(); });
    page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`));
    page.on('request', (r) => { if (!r.url().startsWith(origin) && !r.url().startsWith('data:')) errors.push(`external request: ${r.url()}`); });
    const url = `${origin}${base}${rel}`;
    const resp = await page.goto(url, { waitUntil: 'load' });
    if (!resp || (resp.status() !== 200 && !rel.startsWith('404'))) errors.push(`HTTP ${resp?.status()}`);
    const overflow = await page.evaluate(() => {
      const out = [];
      const vw = document.documentElement.clientWidth;
      if (document.documentElement.scrollWidth > vw + 1) out.push(`page is ${document.documentElement.scrollWidth}px wide, viewport ${vw}px`);
      const scrolls = (el) => {
        for (let a = el.parentElement; a; a = a.parentElement) {
          const ox = getComputedStyle(a).overflowX;
          if (ox === 'auto' || ox === 'scroll') return a;
        }
        return null;
      };
      for (const el of document.querySelectorAll('table, svg, img, pre')) {
        const r = el.getBoundingClientRect();
        if (r.width === 0) continue;
        const box = scrolls(el);
        if (box) {
          const b = box.getBoundingClientRect();
          if (b.right > vw + 1) out.push(`scroll box of <${el.tagName.toLowerCase()}> overflows: right ${Math.round(b.right)} > ${vw}`);
        } else if (r.right > vw + 1) {
          out.push(`<${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}> overflows: right ${Math.round(r.right)} > ${vw}`);
        }
      }
      return out;
    });
    errors.push(...overflow);
    // No script from the sources may run or even reach the page as markup.
    const injected = await page.evaluate((searchPage) => {
      const out = [];
      if (window.__xss !== undefined) out.push(`injected script ran: window.__xss = ${window.__xss}`);
      for (const el of document.querySelectorAll('*')) {
        for (const a of el.attributes) {
          if (a.name.startsWith('on')) out.push(`event handler attribute <${el.tagName.toLowerCase()} ${a.name}>`);
          if ((a.name === 'href' || a.name === 'src' || a.name === 'xlink:href' || a.name === 'action')
            && /^\s*(javascript|vbscript|data):/i.test(a.value) && !(el.tagName === 'LINK' && a.value === 'data:,')) {
            out.push(`dangerous URL <${el.tagName.toLowerCase()} ${a.name}="${a.value.slice(0, 40)}">`);
          }
        }
      }
      for (const s of document.querySelectorAll('script:not([src]), iframe, object, embed, form')) {
        // The site's own search boxes: a GET form to the search page.
        const search = s.tagName === 'FORM' && s.matches('.site-search, .search-form') && s.method === 'get' && s.action === searchPage;
        if (!search) out.push(`<${s.tagName.toLowerCase()}> element`);
      }
      return out;
    }, `${origin}${base}search/`);
    errors.push(...injected);
    if (width === 1280) {
      // Every internal link and anchor resolves.
      const links = await page.evaluate(() => [...document.querySelectorAll('a[href]')].map((a) => a.href));
      for (const href of links) {
        if (!href.startsWith(origin)) continue;
        const u = new URL(href);
        const key = u.pathname + u.hash;
        if (!checked.has(key)) {
          checked.set(key, await linkProblem(u));
        }
        const problem = checked.get(key);
        if (problem) errors.push(`link ${key}: ${problem}`);
      }
    }
    if (shots && /index\.html$/.test(rel)) {
      const name = rel.replace(/\//g, '_').replace(/\.html$/, '');
      fs.mkdirSync(shots, { recursive: true });
      await page.screenshot({ path: path.join(shots, `${name}-${width}.png`), fullPage: true });
    }
    if (errors.length) {
      failed += 1;
      for (const e of errors) problems.push(`${width}px ${rel}: ${e}`);
    } else {
      passed += 1;
    }
    await page.close();
  }
  await context.close();
}
await browser.close();
server.close();
for (const p of problems) console.log(`FAIL ${p}`);
console.log(`pages: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
