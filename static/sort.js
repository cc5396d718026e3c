// gongkai: sortable tables, a progressive enhancement of `table.sortable`.
// Each column header gets a button; activating it (click, Enter or Space) sorts the
// rows by the column's `data-value`: exact decimal comparison for `data-sort="number"`
// columns (never the formatted text, never floating point), Chinese collation for text.
// The first activation sorts ascending, the next descending; `aria-sort` says which.
// Rows without a value (a figure the sources lack) stay last either way. Without
// JavaScript the table is complete in its published order.
(function () {
  'use strict';

  // '-1234.50' -> {neg: true, int: '1234', frac: '5'}
  function parts(s) {
    var neg = s.charAt(0) === '-';
    if (neg || s.charAt(0) === '+') s = s.slice(1);
    var dot = s.indexOf('.');
    var int = (dot < 0 ? s : s.slice(0, dot)).replace(/^0+/, '');
    var frac = (dot < 0 ? '' : s.slice(dot + 1)).replace(/0+$/, '');
    return { neg: neg && (int !== '' || frac !== ''), int: int, frac: frac };
  }

  function compareDecimal(x, y) {
    var a = parts(x);
    var b = parts(y);
    if (a.neg !== b.neg) return a.neg ? -1 : 1;
    var c = 0;
    if (a.int.length !== b.int.length) {
      c = a.int.length < b.int.length ? -1 : 1;
    } else if (a.int !== b.int) {
      c = a.int < b.int ? -1 : 1;
    } else {
      var n = Math.max(a.frac.length, b.frac.length);
      var fa = a.frac + '0'.repeat(n - a.frac.length);
      var fb = b.frac + '0'.repeat(n - b.frac.length);
      c = fa === fb ? 0 : (fa < fb ? -1 : 1);
    }
    return a.neg ? -c : c;
  }

  var collator = new Intl.Collator('zh-Hans-CN');

  function sort(table, col, numeric, descending) {
    var body = table.tBodies[0];
    var rows = Array.prototype.map.call(body.rows, function (row, i) {
      var cell = row.cells[col];
      return { row: row, i: i, v: cell ? cell.getAttribute('data-value') : null };
    });
    rows.sort(function (a, b) {
      if (a.v === null || b.v === null) {
        if (a.v === b.v) return a.i - b.i;
        return a.v === null ? 1 : -1;
      }
      var c = numeric ? compareDecimal(a.v, b.v) : collator.compare(a.v, b.v);
      if (descending) c = -c;
      return c !== 0 ? c : a.i - b.i;
    });
    rows.forEach(function (r) { body.appendChild(r.row); });
  }

  function enhance(table) {
    if (!table.tHead || !table.tBodies.length) return;
    var heads = table.tHead.rows[0].cells;
    var status = document.createElement('p');
    status.className = 'sort-status';
    status.setAttribute('aria-live', 'polite');
    table.parentNode.insertBefore(status, table.nextSibling);
    Array.prototype.forEach.call(heads, function (th, col) {
      var button = document.createElement('button');
      button.type = 'button';
      button.className = 'sort';
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      button.addEventListener('click', function () {
        var descending = th.getAttribute('aria-sort') === 'ascending';
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', descending ? 'descending' : 'ascending');
        sort(table, col, th.getAttribute('data-sort') === 'number', descending);
        status.textContent = '已按“' + button.textContent + '”' + (descending ? '从大到小' : '从小到大') + '排列。';
      });
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll('table.sortable'), enhance);
})();
