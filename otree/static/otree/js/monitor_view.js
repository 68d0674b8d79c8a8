/* The Monitor tab's view: sortable columns, a summary line, changed cells highlighted and a live
   chart of participants per page (uPlot). It follows the 'otree:monitor-update' events that the
   monitor's socket script sends after each update of the table. */
(function (window, document) {
  'use strict';
  var table = document.getElementById('monitor-table');
  if (!table) { return; }
  var tbody = table.tBodies[0];
  var summary = document.getElementById('monitor-summary');
  var chartBox = document.getElementById('monitor-chart');
  var HIGHLIGHT_MS = 3000;
  var WAITING_ORDER = {'': 0, connected: 1, disconnected: 2};
  var sortClass = null;
  var descending = false;
  var previous = {};   // code -> {cell class: text} at the last update

  // -- sorting ------------------------------------------------------------------------------
  function sortValue(tr, cls) {
    var td = tr.querySelector('td.' + cls);
    switch (cls) {
      case 'm-id': return Number(tr.dataset.id);
      case 'm-progress': return Number(tr.dataset.index) || 0;
      case 'm-round': return Number(td.textContent) || 0;
      case 'm-waiting': return WAITING_ORDER[tr.dataset.waiting || ''] || 0;
      case 'm-since': return Number(td.dataset.lastMove) ? -Number(td.dataset.lastMove) : -Infinity;
      default: return td ? td.textContent.trim().toLowerCase() : '';
    }
  }

  // Labels sort naturally (P2 before P10); codes are random letters and digits, so they sort
  // character by character (with numeric collation "7c..." would come before "43...").
  function compare(a, b, plain) {
    if (typeof a === 'number' && typeof b === 'number') { return a - b; }
    if (plain) { return a < b ? -1 : (a > b ? 1 : 0); }
    return String(a).localeCompare(String(b), undefined, {numeric: true});
  }

  function sortRows() {
    if (!sortClass) { return; }
    var rows = Array.prototype.slice.call(tbody.rows);
    var keyed = rows.map(function (tr) { return {tr: tr, key: sortValue(tr, sortClass), id: Number(tr.dataset.id)}; });
    var plain = sortClass === 'm-code';
    keyed.sort(function (x, y) {
      var order = compare(x.key, y.key, plain);
      if (descending) { order = -order; }
      return order || x.id - y.id;
    });
    var changed = keyed.some(function (item, i) { return item.tr !== rows[i]; });
    if (changed) { keyed.forEach(function (item) { tbody.appendChild(item.tr); }); }
  }

  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, i) {
    var cls = tbody.rows.length ? tbody.rows[0].cells[i].className.split(' ')[0] : null;
    th.dataset.sort = cls || ['m-id', 'm-code', 'm-label', 'm-progress', 'm-app', 'm-round', 'm-page',
                              'm-waiting', 'm-waits-for', 'm-since', 'm-status'][i];
    th.classList.add('m-sortable');
    th.tabIndex = 0;
    th.setAttribute('aria-sort', 'none');
    function choose() {
      descending = sortClass === th.dataset.sort ? !descending : false;
      sortClass = th.dataset.sort;
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (other) {
        other.setAttribute('aria-sort', other === th ? (descending ? 'descending' : 'ascending') : 'none');
      });
      sortRows();
    }
    th.addEventListener('click', choose);
    th.addEventListener('keydown', function (event) {
      if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); choose(); }
    });
  });

  // -- changed cells --------------------------------------------------------------------------
  function snapshot(tr) {
    var cells = {};
    Array.prototype.forEach.call(tr.cells, function (td) {
      if (td.classList.contains('m-since')) { return; }  // ticks every second: not a change
      var key = td.className.split(' ')[0];
      cells[key] = key === 'm-waiting' ? (tr.dataset.waiting || '') : td.textContent;
    });
    return cells;
  }

  function highlight(td) {
    td.classList.remove('m-changed');
    void td.offsetWidth;  // restart the fade when the same cell changes again
    td.classList.add('m-changed');
    window.clearTimeout(td._otreeFade);
    td._otreeFade = window.setTimeout(function () { td.classList.remove('m-changed'); }, HIGHLIGHT_MS);
  }

  function markChanges(changedRows) {
    changedRows.forEach(function (row) {
      var tr = tbody.querySelector('tr[data-code="' + row.code + '"]');
      if (!tr) { return; }
      var now = snapshot(tr);
      var before = previous[row.code];
      if (before) {
        Object.keys(now).forEach(function (key) {
          if (before[key] !== now[key]) { highlight(tr.querySelector('td.' + key)); }
        });
      }
      previous[row.code] = now;
    });
  }

  // -- summary ----------------------------------------------------------------------------------
  function count(rows) {
    var c = {total: 0, started: 0, playing: 0, finished: 0, notStarted: 0, dropped: 0, left: 0};
    Object.keys(rows).forEach(function (code) {
      var row = rows[code];
      c.total += 1;
      if (!row.started) { c.notStarted += 1; return; }
      c.started += 1;
      if (row.finished) { c.finished += 1; } else { c.playing += 1; }
      if (row.dropout) { c.dropped += 1; }
      if (row.left) { c.left += 1; }
    });
    return c;
  }

  function part(name, number, text, title) {
    var span = document.createElement('span');
    span.className = 'm-count m-count-' + name;
    span.dataset.count = name;
    if (title) { span.title = title; }
    var strong = document.createElement('strong');
    strong.textContent = String(number);
    span.appendChild(strong);
    span.appendChild(document.createTextNode(' ' + text));
    return span;
  }

  function showSummary(c) {
    if (!summary) { return; }
    summary.replaceChildren(
      part('started', c.started, 'started'), document.createTextNode(' · '),
      part('playing', c.playing, 'in progress'), document.createTextNode(' · '),
      part('finished', c.finished, 'finished'), document.createTextNode(' · '),
      part('dropped', c.dropped, 'dropped out', 'marked is_dropout: a timed page expired with no browser; their pages are submitted at once'),
      document.createTextNode(' · '), part('left', c.left, 'left a wait page', 'left a wait page after its maximum wait'),
      document.createTextNode(' · '), part('not-started', c.notStarted, 'not started'),
      document.createTextNode(' (of ' + c.total + ')'));
  }

  // -- chart --------------------------------------------------------------------------------------
  var labels = [];
  try { labels = JSON.parse(chartBox ? chartBox.dataset.pages || '[]' : '[]'); } catch (e) { labels = []; }
  var plot = null;

  function perPage(rows) {
    var counts = labels.map(function () { return 0; });
    Object.keys(rows).forEach(function (code) {
      var row = rows[code];
      if (row.started && !row.finished && row.index >= 1 && row.index <= counts.length) { counts[row.index - 1] += 1; }
    });
    return counts;
  }

  function width() { return Math.max(320, chartBox.clientWidth); }

  function makePlot(counts) {
    var xs = labels.map(function (_, i) { return i; });
    var short = function (i) { var text = labels[i] || ''; return text.length > 24 ? text.slice(0, 23) + '…' : text; };
    plot = new window.uPlot({
      width: width(), height: 260, legend: {show: false}, cursor: {drag: {x: false, y: false}},
      scales: {x: {time: false, range: [-0.5, Math.max(0.5, labels.length - 0.5)]},
               y: {range: function (u, min, max) { return [0, Math.max(1, max)]; }}},
      axes: [
        {splits: function () { return xs; }, values: function (u, splits) { return splits.map(short); },
         rotate: labels.length > 6 ? -35 : 0, size: labels.length > 6 ? 110 : 40, gap: 4},
        {splits: function (u, i, min, max) { var s = []; for (var v = 0; v <= max; v += Math.max(1, Math.ceil(max / 5))) { s.push(v); } return s; },
         values: function (u, splits) { return splits.map(String); }, size: 40}
      ],
      series: [{}, {label: 'participants', fill: 'rgba(13, 110, 253, 0.55)', stroke: '#0d6efd', width: 1,
                    points: {show: false}, paths: window.uPlot.paths.bars({size: [0.7, 80]})}]
    }, [xs, counts], chartBox);
  }

  function showChart(rows) {
    if (!chartBox || !labels.length || !window.uPlot) { return; }
    var counts = perPage(rows);
    chartBox.dataset.counts = JSON.stringify(counts);
    if (!plot) { makePlot(counts); } else { plot.setData([plot.data[0], counts]); }
  }

  window.addEventListener('resize', function () { if (plot) { plot.setSize({width: width(), height: 260}); } });

  document.addEventListener('otree:monitor-update', function (event) {
    markChanges(event.detail.changed || []);
    sortRows();
    showSummary(count(event.detail.rows));
    showChart(event.detail.rows);
  });
})(window, document);
