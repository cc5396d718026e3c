// Search benchmark (not a test): query latency and bytes fetched per query, each query in
// a fresh browser context (cold cache), for gongkai's own index (the search page) or a
// pagefind index (`pagefind --site SITE_DIR`, loaded with its JavaScript API).
//
// usage: node search-bench.mjs SITE_DIR --engine gongkai|pagefind [--rounds 3]
// Prints one line per query: engine, query, results, median ms, bytes and requests.

import { chromium } from 'playwright-core';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';

const args = process.argv.slice(2);
const site = path.resolve(args[0]);
const opt = (n, d) => (args.indexOf(n) >= 0 ? args[args.indexOf(n) + 1] : d);
const engine = opt('--engine', 'gongkai');
const rounds = Number(opt('--rounds', '3'));
const queries = ['衡山', '医疗救助', '2101501', '公务接待'];
const types = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript',
  '.json': 'application/json', '.txt': 'text/plain; charset=utf-8', '.wasm': 'application/wasm',
};
let bytes = 0;
let requests = 0;
const server = http.createServer((req, res) => {
  let p = path.join(site, decodeURIComponent(new URL(req.url, 'http://x').pathname));
  if (fs.existsSync(p) && fs.statSync(p).isDirectory()) p = path.join(p, 'index.html');
  if (!p.startsWith(site) || !fs.existsSync(p)) { res.writeHead(404); res.end(); return; }
  const body = fs.readFileSync(p);
  bytes += body.length;
  requests += 1;
  res.writeHead(200, { 'content-type': types[path.extname(p)] ?? 'application/octet-stream' });
  res.end(body);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const origin = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});

async function once(q) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${origin}/${engine === 'gongkai' ? 'search/' : '404.html'}`, { waitUntil: 'load' });
  bytes = 0;
  requests = 0;
  const r = engine === 'gongkai'
    ? await page.evaluate((q) => new Promise((resolve) => {
      const input = document.getElementById('search-q');
      const status = document.getElementById('search-status');
      const t0 = performance.now();
      new MutationObserver(() => {
        const s = status.textContent;
        if (s.includes(`“${q}”`) && !s.includes('正在')) {
          resolve({ ms: performance.now() - t0, n: document.querySelectorAll('#search-results > li').length, first: document.querySelector('#search-results a')?.textContent });
        }
      }).observe(status, { childList: true, characterData: true, subtree: true });
      input.value = q;
      input.form.requestSubmit();
    }), q)
    : await page.evaluate(async (q) => {
      const t0 = performance.now();
      const pf = await import('/pagefind/pagefind.js');
      await pf.init();
      const s = await pf.search(q);
      const data = await Promise.all(s.results.slice(0, 20).map((x) => x.data()));
      return { ms: performance.now() - t0, n: s.results.length, first: data[0]?.meta?.title };
    }, q);
  const out = { ...r, bytes, requests };
  await context.close();
  return out;
}

for (const q of queries) {
  const runs = [];
  for (let i = 0; i < rounds; i++) runs.push(await once(q));
  runs.sort((a, b) => a.ms - b.ms);
  const m = runs[Math.floor(runs.length / 2)];
  console.log(`${engine}\t${q}\tresults ${m.n}\tfirst ${m.first}\tmedian ${m.ms.toFixed(0)} ms (min ${runs[0].ms.toFixed(0)}, max ${runs[runs.length - 1].ms.toFixed(0)})\t${m.bytes} bytes\t${m.requests} requests`);
}
await browser.close();
server.close();
