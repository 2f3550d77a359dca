const MAX_POINTS = 600;
const MAX_ALERTS = 200;
const LATEST_ROWS = 10;

const state = {
  statements: new Map(), // name -> { info, latest: { time, new, old } | undefined, columns: Set }
  chart: { statement: '', column: '', key: '', points: [], plot: undefined, keys: [] },
  alerts: 0,
  dirty: false,
};

const $ = (id) => document.getElementById(id);

function text(tag, value, className) {
  const el = document.createElement(tag);
  el.textContent = value;
  if (className) el.className = className;
  return el;
}

function formatValue(v) {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number')
    return Number.isInteger(v) ? String(v) : v.toFixed(4).replace(/0+$/, '').replace(/\.$/, '');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function formatTime(ms) {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

async function refreshStatements() {
  try {
    const res = await fetch('/statements');
    const list = await res.json();
    const names = new Set();
    for (const info of list) {
      names.add(info.name);
      const entry = state.statements.get(info.name);
      if (entry) entry.info = info;
      else
        state.statements.set(info.name, { info, latest: undefined, numeric: new Set(), strings: new Set() });
    }
    for (const name of [...state.statements.keys()]) if (!names.has(name)) state.statements.delete(name);
    renderStatements();
    renderChartControls();
    state.dirty = true;
  } catch {
    $('status').textContent = 'server unreachable';
  }
}

function renderStatements() {
  const body = $('statements').tBodies[0];
  body.replaceChildren();
  for (const [name, { info }] of state.statements) {
    const tr = document.createElement('tr');
    tr.dataset.statement = name;
    const s = info.stats;
    tr.append(
      text('td', name),
      text('td', info.isPattern ? 'alert' : 'query'),
      text('td', String(s.eventsIn), 'num'),
      text('td', String(s.rowsOut), 'num'),
      text('td', String(s.updates), 'num'),
      text('td', String(s.windowSize), 'num'),
    );
    body.append(tr);
  }
}

function options(select, values, selected) {
  const current = [...select.options].map((o) => o.value).join('\n');
  if (current !== values.join('\n')) {
    select.replaceChildren(...values.map((v) => text('option', v === '' ? '(none)' : v)));
    [...select.options].forEach((o, i) => {
      o.value = values[i];
    });
  }
  select.value = selected;
}

/** Picks a default chart: the first statement with a numeric column. */
function renderChartControls() {
  const c = state.chart;
  if (!c.statement || !state.statements.has(c.statement)) {
    for (const [name, entry] of state.statements) {
      if (entry.numeric.size > 0) {
        c.statement = name;
        break;
      }
    }
  }
  const entry = state.statements.get(c.statement);
  const numeric = entry ? [...entry.numeric] : [];
  const strings = entry ? ['', ...entry.strings] : [''];
  if (!numeric.includes(c.column)) setChart(c.statement, numeric[0] ?? '', strings[1] ?? '');
  options($('chart-statement'), [...state.statements.keys()], c.statement);
  options($('chart-column'), numeric, c.column);
  options($('chart-key'), strings, c.key);
}

function setChart(statement, column, key) {
  const c = state.chart;
  if (c.statement === statement && c.column === column && c.key === key) return;
  c.statement = statement;
  c.column = column;
  c.key = key;
  c.points = [];
  c.keys = [];
  if (c.plot) c.plot.destroy();
  c.plot = undefined;
}

function onUpdate(update) {
  const entry = state.statements.get(update.stmt);
  if (!entry) {
    refreshStatements();
    return;
  }
  entry.latest = update;
  for (const row of update.new ?? []) {
    for (const [k, v] of Object.entries(row)) {
      if (typeof v === 'number') entry.numeric.add(k);
      else if (typeof v === 'string') entry.strings.add(k);
    }
  }
  if (entry.info.isPattern && update.new)
    for (const row of update.new) addAlert(update.stmt, update.time, row);
  const c = state.chart;
  if (!c.column) renderChartControls();
  if (update.stmt === c.statement && update.new) {
    for (const row of update.new) {
      const y = row[c.column];
      if (typeof y !== 'number') continue;
      const key = c.key ? formatValue(row[c.key]) : c.column;
      c.points.push({ x: update.time / 1000, key, y });
    }
    if (c.points.length > MAX_POINTS) c.points.splice(0, c.points.length - MAX_POINTS);
  }
  $('clock').textContent = `event time ${formatTime(update.time)}`;
  state.dirty = true;
}

function addAlert(statement, time, row) {
  const li = text('li', `${formatTime(time)}  ${statement}  ${JSON.stringify(row)}`, 'flash');
  li.dataset.statement = statement;
  const list = $('alerts');
  list.prepend(li);
  state.alerts++;
  while (list.children.length > MAX_ALERTS) list.lastElementChild.remove();
}

function renderLatest() {
  const root = $('latest');
  root.replaceChildren();
  for (const [name, entry] of state.statements) {
    const section = document.createElement('div');
    section.className = 'latest';
    section.dataset.statement = name;
    const h = text('h3', `${name} `);
    const rows = entry.latest?.new ?? [];
    h.append(text('span', entry.latest ? `at ${formatTime(entry.latest.time)}` : 'no rows yet', 'meta'));
    section.append(h);
    if (rows.length > 0) {
      const columns = entry.info.columns.length > 0 ? entry.info.columns : Object.keys(rows[0]);
      const table = document.createElement('table');
      const head = document.createElement('tr');
      for (const col of columns) head.append(text('th', col));
      table.createTHead().append(head);
      const body = table.createTBody();
      for (const row of rows.slice(-LATEST_ROWS)) {
        const tr = document.createElement('tr');
        for (const col of columns)
          tr.append(text('td', formatValue(row[col]), typeof row[col] === 'number' ? 'num' : ''));
        body.append(tr);
      }
      section.append(table);
    }
    root.append(section);
  }
}

const PALETTE = ['#2563eb', '#dc2626', '#059669', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#4b5563'];

function renderChart() {
  const c = state.chart;
  const el = $('chart');
  if (c.points.length === 0) {
    if (!c.plot) el.textContent = c.column ? 'waiting for rows…' : 'no numeric column yet';
    return;
  }
  const keys = [...new Set(c.points.map((p) => p.key))].sort();
  const xs = [...new Set(c.points.map((p) => p.x))].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const ys = keys.map(() => xs.map(() => null));
  for (const p of c.points) ys[keys.indexOf(p.key)][index.get(p.x)] = p.y;
  const data = [xs, ...ys];
  if (c.plot && keys.join('\n') === c.keys.join('\n')) {
    c.plot.setData(data);
    return;
  }
  if (c.plot) c.plot.destroy();
  el.replaceChildren();
  c.keys = keys;
  c.plot = new uPlot(
    {
      width: Math.max(320, el.clientWidth || 560),
      height: 260,
      scales: { x: { time: true } },
      series: [
        {},
        ...keys.map((k, i) => ({ label: k, stroke: PALETTE[i % PALETTE.length], width: 2, spanGaps: true })),
      ],
      axes: [{}, { label: c.column }],
    },
    data,
    el,
  );
}

function render() {
  if (state.dirty) {
    state.dirty = false;
    renderLatest();
    renderChart();
  }
  requestAnimationFrame(render);
}

function connect() {
  const source = new EventSource('/updates');
  source.onopen = () => {
    $('status').textContent = 'live';
    $('status').className = 'status live';
  };
  source.onerror = () => {
    $('status').textContent = 'reconnecting…';
    $('status').className = 'status';
  };
  source.onmessage = (e) => onUpdate(JSON.parse(e.data));
}

$('chart-statement').addEventListener('change', (e) => {
  const entry = state.statements.get(e.target.value);
  setChart(
    e.target.value,
    entry ? ([...entry.numeric][0] ?? '') : '',
    entry ? ([...entry.strings][0] ?? '') : '',
  );
  renderChartControls();
  state.dirty = true;
});
$('chart-column').addEventListener('change', (e) => {
  setChart(state.chart.statement, e.target.value, state.chart.key);
  state.dirty = true;
});
$('chart-key').addEventListener('change', (e) => {
  setChart(state.chart.statement, state.chart.column, e.target.value);
  state.dirty = true;
});

refreshStatements().then(connect);
setInterval(refreshStatements, 2000);
requestAnimationFrame(render);
