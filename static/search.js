// gongkai search: queries the static index under search/ (written by `gongkai build`, see
// src/site/search.rs for the format). Fetches meta.json and each segment's, the index
// shards of the query's terms in every segment, then the document chunks of the best
// candidates; no server, no external request.
(function () {
  'use strict';
  var script = document.currentScript;
  var base = (script && script.getAttribute('data-base')) || '/';
  var root = base + 'search/';
  var input = document.getElementById('search-q');
  var status = document.getElementById('search-status');
  var list = document.getElementById('search-results');
  var more = document.getElementById('search-more');
  var nojs = document.getElementById('search-nojs');
  if (!input || !status || !list || !more) return;
  if (nojs) nojs.hidden = true;

  var PAGE = 20;
  var cache = new Map();
  // Index files are gzipped (unless a server already decoded them): decoded here.
  async function load(path, json) {
    var r = await fetch(root + path);
    if (!r.ok) throw new Error(path + '：HTTP ' + r.status);
    var bytes = new Uint8Array(await r.arrayBuffer());
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
      var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
      bytes = new Uint8Array(await new Response(stream).arrayBuffer());
    }
    var text = new TextDecoder().decode(bytes);
    return json ? JSON.parse(text) : text;
  }
  function get(path, json) {
    if (!cache.has(path)) cache.set(path, load(path, json));
    return cache.get(path);
  }

  // The same folding and terms as src/site/search.rs.
  function normalize(s) {
    var out = '';
    for (var ch of s) {
      var c = ch.codePointAt(0);
      if (c >= 0xff01 && c <= 0xff5e) ch = String.fromCodePoint(c - 0xfee0);
      else if (c === 0x3000) ch = ' ';
      out += ch.length === 1 ? ch.replace(/[A-Z]/, function (x) { return x.toLowerCase(); }) : ch;
    }
    return out;
  }
  function isHan(ch) {
    var c = ch.codePointAt(0);
    return (c >= 0x3400 && c <= 0x4dbf) || (c >= 0x4e00 && c <= 0x9fff) ||
      (c >= 0xf900 && c <= 0xfaff) || (c >= 0x20000 && c <= 0x3134f);
  }
  function isAlnum(ch) { return /^[a-z0-9]$/.test(ch); }
  // Runs of Chinese characters and of Latin letters / digits.
  function runs(text) {
    var out = [];
    var cur = '';
    var han = false;
    for (var ch of normalize(text)) {
      var h = isHan(ch);
      if (h || isAlnum(ch)) {
        if (cur && h !== han) { out.push({ text: cur, han: han }); cur = ''; }
        cur += ch;
        han = h;
      } else if (cur) {
        out.push({ text: cur, han: han });
        cur = '';
      }
    }
    if (cur) out.push({ text: cur, han: han });
    return out;
  }
  function terms(rs) {
    var out = [];
    for (var r of rs) {
      var cs = Array.from(r.text);
      if (r.han) {
        for (var i = 0; i + 1 < cs.length; i++) out.push(cs[i] + cs[i + 1]);
      } else if (r.text.length >= 2) {
        out.push(r.text);
      }
    }
    return Array.from(new Set(out));
  }
  function fnv(term) {
    var h = 0x811c9dc5;
    for (var b of new TextEncoder().encode(term)) {
      h ^= b;
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h >>> 0;
  }
  // The index is cut into segments (search/<n>/), each a whole index of some units:
  // meta.json gives their number, each segment's meta.json its shards and kinds.
  async function segments() {
    var top = await get('meta.json', true);
    var metas = [];
    for (var n = 0; n < top.segments; n++) metas.push(get(n + '/meta.json', true));
    return Promise.all(metas);
  }
  async function postings(seg, meta, term) {
    var text = await get(seg + '/i/' + (fnv(term) % meta.shards) + '.bin', false);
    var at = text.startsWith(term + '\t') ? 0 : text.indexOf('\n' + term + '\t');
    if (at < 0) return [];
    if (at > 0) at += 1;
    var end = text.indexOf('\n', at);
    var ids = [];
    var v = 0;
    for (var d of text.slice(at + term.length + 1, end < 0 ? undefined : end).split(',')) {
      v += parseInt(d, 36);
      ids.push(v);
    }
    return ids;
  }
  function kindOf(meta, id) {
    for (var k = 0; k < meta.kinds.length; k++) {
      var m = meta.kinds[k];
      if (id >= m.start && id < m.start + m.count) return k;
    }
    return -1;
  }
  async function doc(metas, c) {
    var meta = metas[c.seg];
    var m = meta.kinds[c.kind];
    var chunk = await get(c.seg + '/d/' + c.kind + '-' + Math.floor((c.id - m.start) / m.per) + '.bin', true);
    var d = chunk[(c.id - m.start) % m.per];
    return { kind: m.name, title: d[0], context: d[1], url: d[2], text: d[3], links: d[4] };
  }

  // Candidates of one segment: documents with every term, with how many of the terms
  // are weak for them (not in the title, not the exact code).
  async function segmentCandidates(seg, meta, ts) {
    var lists = await Promise.all(ts.map(function (t) { return postings(seg, meta, t); }));
    lists.sort(function (a, b) { return a.length - b.length; });
    var weak = new Map();
    for (var p of lists[0]) weak.set(p >> 1, (p & 1) ? 0 : 1);
    for (var l of lists.slice(1)) {
      var seen = new Map();
      for (var q of l) {
        var id = q >> 1;
        if (weak.has(id)) seen.set(id, weak.get(id) + ((q & 1) ? 0 : 1));
      }
      weak = seen;
    }
    var out = [];
    weak.forEach(function (w, id) {
      out.push({ seg: seg, id: id, kind: kindOf(meta, id), weak: w > 0 });
    });
    return out;
  }
  // Candidates of every segment: those where every term is strong first, then by kind,
  // then by place in the index (segment, then what the document is found by).
  async function candidates(metas, ts) {
    var all = await Promise.all(metas.map(function (m, seg) { return segmentCandidates(seg, m, ts); }));
    return [].concat.apply([], all).sort(function (a, b) {
      return (a.weak - b.weak) || (a.kind - b.kind) || (a.seg - b.seg) || (a.id - b.id);
    });
  }

  function mark(parent, text, needles) {
    var low = normalize(text);
    var i = 0;
    while (i < text.length) {
      var best = -1;
      var len = 0;
      for (var n of needles) {
        var j = low.indexOf(n, i);
        if (j >= 0 && (best < 0 || j < best)) { best = j; len = n.length; }
      }
      if (best < 0) break;
      parent.append(text.slice(i, best));
      var m = document.createElement('mark');
      m.textContent = text.slice(best, best + len);
      parent.append(m);
      i = best + len;
    }
    parent.append(text.slice(i));
  }
  function snippet(text, needles) {
    var low = normalize(text);
    var at = -1;
    for (var n of needles) {
      var j = low.indexOf(n);
      if (j >= 0 && (at < 0 || j < at)) at = j;
    }
    if (at < 0) return text.length > 120 ? text.slice(0, 120) + '…' : text;
    var from = Math.max(0, at - 40);
    var to = Math.min(text.length, at + 80);
    return (from > 0 ? '…' : '') + text.slice(from, to) + (to < text.length ? '…' : '');
  }
  function item(d, needles) {
    var li = document.createElement('li');
    var kind = document.createElement('span');
    kind.className = 'kind';
    kind.textContent = d.kind;
    var a = document.createElement('a');
    a.href = base + d.url;
    mark(a, d.title, needles);
    li.append(kind, a);
    var ctx = document.createElement('p');
    ctx.className = 'meta';
    ctx.textContent = d.context;
    li.append(ctx);
    if (d.text) {
      var p = document.createElement('p');
      p.className = 'snippet';
      mark(p, snippet(d.text, needles), needles);
      li.append(p);
    }
    if (d.links.length) {
      var also = document.createElement('p');
      also.className = 'also';
      also.append('另见：');
      d.links.forEach(function (l, i) {
        var la = document.createElement('a');
        la.href = base + l[1];
        la.textContent = l[0];
        if (i) also.append(' ');
        also.append(la);
      });
      li.append(also);
    }
    return li;
  }

  var run = 0;
  var state = null;
  async function showMore(my) {
    var s = state;
    var shown = 0;
    while (shown < PAGE && s.pos < s.cands.length) {
      var ids = s.cands.slice(s.pos, s.pos + PAGE);
      s.pos += ids.length;
      var docs = await Promise.all(ids.map(function (c) { return doc(s.metas, c); }));
      if (my !== run) return;
      for (var d of docs) {
        var hay = normalize(d.title + ' ' + d.context + ' ' + d.text);
        // Bigrams may match apart: keep documents that contain each word of the query.
        if (!s.needles.every(function (n) { return hay.includes(n); })) continue;
        list.append(item(d, s.needles));
        shown += 1;
        s.found += 1;
      }
    }
    more.hidden = s.pos >= s.cands.length;
    status.textContent = s.found === 0
      ? '没有找到与“' + s.query + '”相关的内容。可以换一个较短的词，如县名、科目编码的前几位或科目名称中的词。'
      : (more.hidden
        ? '“' + s.query + '”：找到 ' + s.found + ' 条结果。'
        : '“' + s.query + '”：已显示 ' + s.found + ' 条，还有更多结果。');
  }
  async function search(query) {
    var my = ++run;
    list.textContent = '';
    more.hidden = true;
    state = null;
    var q = query.trim();
    if (!q) { status.textContent = ''; return; }
    var rs = runs(q);
    var ts = terms(rs);
    if (!ts.length) {
      status.textContent = '请至少输入两个汉字，或科目编码、单位编码等数字。';
      return;
    }
    status.textContent = '正在搜索……';
    try {
      var metas = await segments();
      var cands = await candidates(metas, ts);
      if (my !== run) return;
      state = { metas: metas, cands: cands, pos: 0, found: 0, query: q,
        needles: rs.map(function (r) { return r.text; }) };
      await showMore(my);
    } catch (e) {
      if (my === run) status.textContent = '无法读取搜索索引（' + e.message + '）。请稍后再试，或从首页的单位列表查找。';
    }
  }

  more.addEventListener('click', function () { if (state) showMore(run); });
  var timer = null;
  input.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var q = input.value.trim();
      history.replaceState(null, '', q ? '?q=' + encodeURIComponent(q) : location.pathname);
      search(q);
    }, 150);
  });
  input.form.addEventListener('submit', function (e) {
    e.preventDefault();
    clearTimeout(timer);
    var q = input.value.trim();
    history.replaceState(null, '', q ? '?q=' + encodeURIComponent(q) : location.pathname);
    search(q);
  });
  var q0 = new URLSearchParams(location.search).get('q') || '';
  input.value = q0;
  if (q0) search(q0);
})();
