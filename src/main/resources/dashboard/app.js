/* Alert Relay dashboard: plain JS over the admin API (/api/admin) and the live stream (/dashboard/stream). */
(function () {
  'use strict';

  const TOKEN_KEY = 'alertRelay.adminToken';
  const API = '/api/admin';
  const CATEGORIES = ['drugs', 'food', 'cosmetics', 'other'];
  const SEVERITIES = ['low', 'medium', 'high', 'critical'];
  const COLORS = ['#0b5cad', '#1b7f3b', '#c05600', '#7b4bb7', '#b3261e', '#00838f', '#8a5a00'];
  const FEED_MAX = 50;

  const $ = (id) => document.getElementById(id);
  const charts = {};
  let agencies = [];
  let stream = null;
  let streamRetry = null;

  // ------------------------------------------------------------------ API access
  function token() { return sessionStorage.getItem(TOKEN_KEY); }

  class ApiError extends Error {
    constructor(status, body) {
      super((body && body.error) ? body.error + (body.details && body.details.length ? ': ' + body.details.join('; ') : '') : 'HTTP ' + status);
      this.status = status;
    }
  }

  async function api(path, options) {
    const opts = Object.assign({ method: 'GET' }, options || {});
    const headers = { 'Accept': 'application/json', 'Authorization': 'Bearer ' + token() };
    if (opts.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      opts.body = JSON.stringify(opts.json);
    }
    const response = await fetch(API + path, { method: opts.method, headers: headers, body: opts.body, cache: 'no-store' });
    const text = await response.text();
    let body = null;
    if (text) {
      try { body = JSON.parse(text); } catch (e) { body = { error: text }; }
    }
    if (response.status === 401 || response.status === 403) {
      signOut(response.status === 401 ? 'The token was refused (401): sign in again.' : 'This token is not an admin token (403).');
      throw new ApiError(response.status, body);
    }
    if (!response.ok) { throw new ApiError(response.status, body); }
    return body;
  }

  function notify(text, bad) {
    const n = $('notice');
    n.textContent = text;
    n.classList.toggle('bad', !!bad);
  }

  function failed(what) {
    return (e) => { if (e.status !== 401 && e.status !== 403) { notify(what + ' failed: ' + e.message, true); } };
  }

  // ------------------------------------------------------------------ shape helpers (tolerant of wrappers)
  function list(body, ...keys) {
    if (Array.isArray(body)) { return body; }
    if (!body || typeof body !== 'object') { return []; }
    for (const k of keys) { if (Array.isArray(body[k])) { return body[k]; } }
    const arrays = Object.values(body).filter(Array.isArray);
    return arrays.length ? arrays[0] : [];
  }
  function pick(obj, ...keys) {
    if (!obj) { return undefined; }
    for (const k of keys) { if (obj[k] !== undefined && obj[k] !== null) { return obj[k]; } }
    return undefined;
  }
  function num(v) { const n = Number(v); return Number.isFinite(n) ? n : 0; }
  function agencyName(a) { return typeof a === 'string' ? a : pick(a, 'agency', 'name', 'agencyName'); }
  function humanize(key) { return String(key).replace(/([a-z])([A-Z])/g, '$1 $2').replace(/[_-]/g, ' ').replace(/^./, (c) => c.toUpperCase()); }
  function fmtTime(v) {
    if (!v) { return '—'; }
    const d = new Date(v);
    return isNaN(d) ? String(v) : d.toLocaleString();
  }
  function fmtRate(v) {
    if (v === undefined || v === null) { return '—'; }
    const n = Number(v);
    if (!Number.isFinite(n)) { return String(v); }
    return (n <= 1 ? (n * 100) : n).toFixed(1) + ' %';
  }
  function fmt(v) {
    if (v === undefined || v === null || v === '') { return '—'; }
    if (typeof v === 'object') { return JSON.stringify(v); }
    return String(v);
  }

  function totals(dl, entries) {
    dl.replaceChildren();
    for (const [label, value] of entries) {
      const div = document.createElement('div');
      const dt = document.createElement('dt');
      const dd = document.createElement('dd');
      dt.textContent = label;
      dd.textContent = fmt(value);
      div.append(dt, dd);
      dl.append(div);
    }
  }

  /** A table from rows; columns are [key, label, render?]; render may return a Node. */
  function table(el, rows, columns, empty) {
    el.replaceChildren();
    const head = el.createTHead().insertRow();
    for (const [, label] of columns) {
      const th = document.createElement('th');
      th.scope = 'col';
      th.textContent = label;
      head.append(th);
    }
    const body = el.createTBody();
    if (!rows.length) {
      const td = body.insertRow().insertCell();
      td.colSpan = columns.length;
      td.textContent = empty || 'Nothing yet.';
      return;
    }
    for (const row of rows) {
      const tr = body.insertRow();
      for (const [key, , render] of columns) {
        const td = tr.insertCell();
        const value = render ? render(row) : fmt(row[key]);
        if (value instanceof Node) { td.append(value); } else { td.textContent = value; }
      }
    }
  }

  function scalarColumns(rows) {
    const keys = [];
    for (const row of rows.slice(0, 20)) {
      for (const [k, v] of Object.entries(row)) {
        if ((v === null || typeof v !== 'object') && !keys.includes(k)) { keys.push(k); }
      }
    }
    return keys.map((k) => [k, humanize(k)]);
  }

  function span(text, cls) {
    const s = document.createElement('span');
    s.textContent = text;
    if (cls) { s.className = cls; }
    return s;
  }

  // ------------------------------------------------------------------ charts
  function draw(id, config, points) {
    if (typeof Chart === 'undefined') { return; }
    if (charts[id]) { charts[id].destroy(); }
    const canvas = $(id);
    config.options = Object.assign({ responsive: true, maintainAspectRatio: false, animation: false }, config.options || {});
    charts[id] = new Chart(canvas, config);
    canvas.dataset.points = String(points);
  }

  function bar(id, counts, label) {
    const labels = Object.keys(counts);
    const values = labels.map((k) => num(counts[k]));
    draw(id, {
      type: 'bar',
      data: { labels: labels, datasets: [{ label: label, data: values, backgroundColor: labels.map((_, i) => COLORS[i % COLORS.length]) }] },
      options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
    }, values.reduce((a, b) => a + b, 0));
  }

  // ------------------------------------------------------------------ categories
  async function loadCategories() {
    const dist = await api('/analytics/category-distribution');
    totals($('category-totals'), CATEGORIES.map((c) => [c, num(dist[c])]).concat([['total', num(dist.total)]]));
    const values = CATEGORIES.map((c) => num(dist[c]));
    draw('category-pie', {
      type: 'pie',
      data: { labels: CATEGORIES, datasets: [{ data: values, backgroundColor: COLORS.slice(0, 4) }] },
      options: { plugins: { legend: { position: 'bottom' } } }
    }, values.reduce((a, b) => a + b, 0));
  }

  async function loadTrend() {
    const days = $('history-days').value;
    const rows = list(await api('/analytics/category-history?days=' + encodeURIComponent(days)), 'history', 'snapshots', 'days');
    const sorted = rows.slice().sort((a, b) => String(dateOf(a)).localeCompare(String(dateOf(b))));
    $('trend-empty').hidden = sorted.length > 0;
    draw('category-trend', {
      type: 'line',
      data: {
        labels: sorted.map(dateOf),
        datasets: CATEGORIES.concat(['total']).map((c, i) => ({
          label: c, data: sorted.map((r) => num(r[c])), borderColor: COLORS[i], backgroundColor: COLORS[i], tension: 0.2
        }))
      },
      options: { plugins: { legend: { position: 'bottom' } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
    }, sorted.length);
  }
  function dateOf(r) { return pick(r, 'date', 'day', 'snapshotDate', 'snapshot_date', 'takenAt'); }

  async function loadManufacturers() {
    const rows = list(await api('/analytics/manufacturers'), 'manufacturers', 'items');
    table($('manufacturers-table'), rows, scalarColumns(rows).filter(([k]) => k !== 'id'), 'No manufacturers.');
  }

  // ------------------------------------------------------------------ agency reports
  async function loadReport() {
    const agency = $('report-agency').value;
    const days = $('report-days').value;
    if (!agency) { return; }
    const r = await api('/analytics/agencies/' + encodeURIComponent(agency) + '?days=' + encodeURIComponent(days));
    const severity = counts(r, 'bySeverity', 'severity', 'severities') || {};
    const reason = counts(r, 'byReason', 'reason', 'reasons') || {};
    const ordered = {};
    for (const s of SEVERITIES) { ordered[s] = num(severity[s]); }
    for (const [k, v] of Object.entries(severity)) { if (!(k in ordered)) { ordered[k] = num(v); } }
    bar('severity-chart', ordered, 'flags');
    bar('reason-chart', reason, 'flags');
    const entries = [['agency', agency], ['days', days]];
    for (const [k, v] of Object.entries(r)) {
      if (v !== null && typeof v === 'object') { continue; }
      if (k === 'agency' || k === 'days') { continue; }
      entries.push([humanize(k), /rate/i.test(k) ? fmtRate(v) : v]);
    }
    totals($('report-totals'), entries);
  }
  function counts(r, ...keys) {
    const v = pick(r, ...keys);
    if (Array.isArray(v)) {
      const out = {};
      for (const e of v) { out[pick(e, 'severity', 'reason', 'key', 'name')] = pick(e, 'count', 'total', 'value'); }
      return out;
    }
    return v;
  }

  async function loadAgencySummary() {
    const days = $('report-days').value;
    const rows = list(await api('/analytics/agencies?days=' + encodeURIComponent(days)), 'agencies', 'items');
    const columns = scalarColumns(rows).map(([k, label]) => /rate/i.test(k) ? [k, label, (row) => fmtRate(row[k])] : [k, label]);
    table($('agencies-summary'), rows, columns, 'No agencies.');
  }

  // ------------------------------------------------------------------ rate limits and webhooks
  async function loadQuotas() {
    const rows = list(await api('/management/rate-limits'), 'rateLimits', 'agencies', 'items');
    agencies = rows.map(agencyName).filter(Boolean);
    fillAgencySelects();
    table($('quota-table'), rows, [
      ['agency', 'Agency', (r) => agencyName(r)],
      ['hour', 'Hour used / limit', (r) => num(pick(r, 'hourCount', 'usedThisHour', 'hourUsed')) + ' / ' + fmt(pick(r, 'alertsPerHour', 'hourLimit'))],
      ['day', 'Day used / limit', (r) => num(pick(r, 'dayCount', 'usedToday', 'dayUsed')) + ' / ' + fmt(pick(r, 'alertsPerDay', 'dayLimit'))],
      ['throttledUntil', 'Throttled until', (r) => fmtTime(pick(r, 'throttledUntil', 'throttled_until'))],
      ['manage', 'Action', (r) => manageButton(agencyName(r))]
    ], 'No agencies.');
  }

  function manageButton(agency) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'secondary';
    b.textContent = 'Manage';
    b.setAttribute('aria-label', 'Manage ' + agency);
    b.addEventListener('click', () => {
      $('manage-agency').value = agency;
      loadManaged().then(() => $('per-hour').focus()).catch(failed('Agency'));
    });
    return b;
  }

  function fillAgencySelects() {
    for (const id of ['report-agency', 'manage-agency', 'deliveries-agency']) {
      const select = $(id);
      const keep = select.value;
      const fixed = id === 'deliveries-agency' ? [['', 'All']] : [];
      select.replaceChildren();
      for (const [value, label] of fixed.concat(agencies.map((a) => [a, a]))) {
        const o = document.createElement('option');
        o.value = value;
        o.textContent = label;
        select.append(o);
      }
      if (keep && (keep === '' || agencies.includes(keep))) { select.value = keep; }
    }
  }

  function managed() { return $('manage-agency').value; }
  function agencyPath(suffix) { return '/management/webhooks/' + encodeURIComponent(managed()) + suffix; }

  async function loadManaged() {
    const agency = managed();
    if (!agency) { return; }
    $('logs-agency').textContent = agency;
    $('secret-box').hidden = true;
    const [limits, config, logs] = await Promise.all([
      api('/management/rate-limits/' + encodeURIComponent(agency)),
      api(agencyPath('/config')),
      api(agencyPath('/logs?limit=50'))
    ]);
    $('per-hour').value = num(pick(limits, 'alertsPerHour', 'hourLimit'));
    $('per-day').value = num(pick(limits, 'alertsPerDay', 'dayLimit'));
    const breaker = pick(config, 'circuitBreaker', 'breakerState');
    const stats = pick(config, 'deliveryStats') || {};
    $('webhook-url-now').textContent = fmt(pick(config, 'webhookUrl', 'url'));
    const entries = [
      ['Transport', transportOf(pick(config, 'webhookUrl', 'url'))],
      ['Active', pick(config, 'active', 'webhookActive') ? 'yes' : 'no'],
      ['Success rate', fmtRate(pick(config, 'successRate'))],
      ['Attempts (7 days)', pick(stats, 'attempts')],
      ['Circuit breaker', breaker && typeof breaker === 'object' ? pick(breaker, 'state', 'status') : breaker],
      ['Signing', pick(config, 'signingAlgorithm')],
      ['Old secret valid until', fmtTime(pick(config, 'previousSecretValidUntil'))]
    ];
    totals($('webhook-config'), entries);
    
    const url = pick(config, 'webhookUrl', 'url');
    if (url && document.activeElement !== $('webhook-url')) { $('webhook-url').value = url; }
    const headers = pick(config, 'customHeaders', 'headers');
    if (headers && typeof headers === 'object' && document.activeElement !== $('custom-headers')) {
      $('custom-headers').value = Object.entries(headers).map(([k, v]) => k + ': ' + v).join('\n');
    }
    const rows = list(logs, 'logs', 'attempts', 'items');
    table($('logs-table'), rows, [
      ['at', 'Time', (r) => fmtTime(pick(r, 'at', 'createdAt'))],
      ['deliveryId', 'Delivery', (r) => String(fmt(r.deliveryId)).slice(0, 8)],
      ['eventType', 'Event'],
      ['attempt', 'Attempt'],
      ['outcome', 'Outcome', (r) => span(fmt(r.outcome), 'status-' + (r.outcome === 'delivered' ? 'delivered' : 'failed'))],
      ['httpStatus', 'HTTP'],
      ['durationMs', 'ms'],
      ['error', 'Error']
    ], 'No attempts logged.');
  }

  async function loadDeliveries() {
    const params = new URLSearchParams();
    if ($('deliveries-agency').value) { params.set('agency', $('deliveries-agency').value); }
    if ($('deliveries-status').value) { params.set('status', $('deliveries-status').value); }
    const rows = list(await api('/deliveries' + (params.toString() ? '?' + params : '')), 'deliveries', 'items');
    table($('deliveries-table'), rows, [
      ['id', 'Delivery', (r) => String(pick(r, 'id', 'deliveryId')).slice(0, 8)],
      ['agency', 'Agency', (r) => fmt(agencyName(r))],
      ['status', 'Status', (r) => span(fmt(r.status), 'status-' + r.status)],
      ['attempts', 'Attempts'],
      ['lastHttpStatus', 'Last HTTP', (r) => fmt(pick(r, 'lastHttpStatus', 'httpStatus'))],
      ['lastError', 'Last error', (r) => { const s = span(fmt(pick(r, 'lastError', 'error'))); return s; }],
      ['updatedAt', 'Updated', (r) => fmtTime(pick(r, 'updatedAt', 'createdAt'))],
      ['replay', 'Action', replayButton]
    ], 'No deliveries match.');
  }

  function replayButton(row) {
    if (row.status !== 'failed') { return ''; }
    const id = pick(row, 'id', 'deliveryId');
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'replay';
    b.textContent = 'Replay';
    b.setAttribute('aria-label', 'Replay delivery ' + id);
    b.dataset.delivery = id;
    b.addEventListener('click', () => {
      b.disabled = true;
      api('/deliveries/' + encodeURIComponent(id) + '/retry', { method: 'POST' })
        .then(() => { notify('Delivery ' + String(id).slice(0, 8) + ' queued for replay.'); return loadDeliveries(); })
        .catch((e) => { b.disabled = false; failed('Replay')(e); });
    });
    return b;
  }

  function parseHeaders(text) {
    const headers = {};
    for (const line of text.split('\n')) {
      if (!line.trim()) { continue; }
      const i = line.indexOf(':');
      if (i <= 0) { throw new Error('"' + line.trim() + '" is not a "Name: value" line'); }
      headers[line.slice(0, i).trim()] = line.slice(i + 1).trim();
    }
    return headers;
  }

  // ------------------------------------------------------------------ live stream
  async function connectStream() {
    clearTimeout(streamRetry);
    if (stream) { stream.close(); stream = null; }
    if (!token()) { return; }
    let ticket;
    try {
      ticket = (await api('/stream-tickets', { method: 'POST' })).ticket;
    } catch (e) {
      setLive(false, 'Live feed: unavailable (' + e.message + ')');
      if (e.status !== 401 && e.status !== 403) { streamRetry = setTimeout(connectStream, 5000); }
      return;
    }
    const source = new EventSource('/dashboard/stream?ticket=' + encodeURIComponent(ticket));
    stream = source;
    source.addEventListener('ready', () => setLive(true, 'Live feed: on'));
    source.addEventListener('flag', (e) => addFlag(JSON.parse(e.data)));
    source.addEventListener('delivery', (e) => addDelivery(JSON.parse(e.data)));
    source.onerror = () => {
      // reconnect with a fresh ticket rather than let EventSource retry with an expired one
      source.close();
      if (stream === source) {
        stream = null;
        setLive(false, 'Live feed: reconnecting');
        streamRetry = setTimeout(connectStream, 2000);
      }
    };
  }

  function setLive(on, text) {
    const s = $('live-status');
    s.textContent = text;
    s.classList.toggle('on', on);
    s.classList.toggle('off', !on);
  }

  function prepend(listId, li) {
    const ol = $(listId);
    ol.prepend(li);
    while (ol.children.length > FEED_MAX) { ol.lastElementChild.remove(); }
  }

  function addFlag(f) {
    const li = document.createElement('li');
    li.dataset.code = f.code;
    li.append(span(f.severity, 'sev sev-' + f.severity), document.createTextNode(
      f.code + ' — ' + f.product + ' (' + f.manufacturer + ', ' + f.category + '): ' + f.reason));
    const t = document.createElement('time');
    t.dateTime = f.createdAt;
    t.textContent = new Date(f.createdAt).toLocaleTimeString();
    li.append(t);
    prepend('live-flags', li);
    scheduleRefresh();
  }

  function addDelivery(d) {
    const li = document.createElement('li');
    li.append(span(d.outcome, 'status-' + (d.outcome === 'delivered' ? 'delivered' : 'failed')), document.createTextNode(
      ' ' + d.agency + ' · attempt ' + d.attempt + (d.httpStatus ? ' · HTTP ' + d.httpStatus : '') +
      (d.durationMs !== null && d.durationMs !== undefined ? ' · ' + d.durationMs + ' ms' : '')));
    prepend('live-deliveries', li);
    scheduleRefresh();
  }

  /** The transport a target is reached by: its URI scheme (http, https, kafka, jms, file). */
  function transportOf(url) {
    const m = /^([a-z][a-z0-9+.-]*):/i.exec(url || '');
    return m ? m[1].toLowerCase() : '—';
  }

  async function loadPartners() {
    const rows = list(await api('/partners'), 'partners');
    table($('partners-table'), rows, [
      ['name', 'Partner'],
      ['transport', 'Transport'],
      ['source', 'Source', (r) => fmt(r.source || (r.webhookPath ? 'POST ' + r.webhookPath : null))],
      ['active', 'Active', (r) => r.active ? 'yes' : 'no'],
      ['consumer', 'Consumer', (r) => r.consumer ? span(fmt(r.consumer.state), 'status-' + (r.consumer.state === 'Started' ? 'delivered' : 'failed')) : '—'],
      ['lag', 'Lag', (r) => r.consumer && r.consumer.lag != null ? num(r.consumer.lag) : '—'],
      ['inboundEvents', 'Messages', (r) => num(pick(r, 'inboundEvents', 'inbound_events'))],
      ['lastReceivedAt', 'Last message', (r) => fmtTime(pick(r, 'lastReceivedAt', 'last_received_at'))]
    ], 'No partners.');
  }

  let refreshTimer = null;
  /** New flags and outcomes change quotas and logs: refresh those views, at most every 3 s. */
  function scheduleRefresh() {
    if (refreshTimer) { return; }
    refreshTimer = setTimeout(() => {
      refreshTimer = null;
      loadQuotas().catch(() => {});
      loadCategories().catch(() => {});
      loadPartners().catch(() => {});
    }, 3000);
  }

  // ------------------------------------------------------------------ sign in / out
  function signOut(message) {
    sessionStorage.removeItem(TOKEN_KEY);
    if (stream) { stream.close(); stream = null; }
    clearTimeout(streamRetry);
    setLive(false, 'Live feed: off');
    $('main').hidden = true;
    $('sign-out').hidden = true;
    $('login').hidden = false;
    $('login-error').textContent = message || '';
    $('token').focus();
  }

  async function signIn() {
    $('login').hidden = true;
    $('main').hidden = false;
    $('sign-out').hidden = false;
    notify('Loading…');
    const first = await Promise.allSettled([loadQuotas()]);
    if (!token()) { return; } // the token was refused
    $('main').focus();
    connectStream();
    const results = first.concat(await Promise.allSettled([loadCategories(), loadTrend(), loadManufacturers(), loadReport(),
      loadAgencySummary(), loadManaged(), loadDeliveries(), loadPartners()]));
    const bad = results.filter((r) => r.status === 'rejected' && r.reason.status !== 401 && r.reason.status !== 403);
    if (!token()) { return; }
    notify(bad.length ? 'Some views failed to load: ' + bad.map((r) => r.reason.message).join('; ') : 'Loaded ' + new Date().toLocaleTimeString(), bad.length > 0);
  }

  function wire() {
    $('login-form').addEventListener('submit', (e) => {
      e.preventDefault();
      const t = $('token').value.trim().replace(/^Bearer\s+/i, '');
      if (!t) { $('login-error').textContent = 'Paste a token first.'; return; }
      sessionStorage.setItem(TOKEN_KEY, t);
      $('token').value = '';
      $('login-error').textContent = '';
      signIn();
    });
    $('sign-out').addEventListener('click', () => signOut(''));
    $('history-days').addEventListener('change', () => loadTrend().catch(failed('Trend')));
    $('report-form').addEventListener('submit', (e) => {
      e.preventDefault();
      Promise.all([loadReport(), loadAgencySummary()]).catch(failed('Report'));
    });
    $('manage-agency').addEventListener('change', () => loadManaged().catch(failed('Agency')));
    $('limits-form').addEventListener('submit', (e) => {
      e.preventDefault();
      const body = { alertsPerHour: Number($('per-hour').value), alertsPerDay: Number($('per-day').value) };
      api('/management/rate-limits/' + encodeURIComponent(managed()), { method: 'PUT', json: body })
        .then(() => { notify('Limits of ' + managed() + ' saved: ' + body.alertsPerHour + '/hour, ' + body.alertsPerDay + '/day.'); return loadQuotas(); })
        .catch(failed('Saving limits'));
    });
    $('register-form').addEventListener('submit', (e) => {
      e.preventDefault();
      let headers;
      try { headers = parseHeaders($('custom-headers').value); } catch (err) { notify(err.message, true); return; }
      api(agencyPath('/register'), { method: 'POST', json: { webhookUrl: $('webhook-url').value.trim(), customHeaders: headers } })
        .then((r) => { showSecret(r); notify('Webhook of ' + managed() + ' registered.'); return loadManaged(); })
        .catch(failed('Registering'));
    });
    $('toggle-webhook').addEventListener('click', () => api(agencyPath('/toggle'), { method: 'PATCH' })
      .then((r) => { notify('Webhook of ' + managed() + ' is now ' + (pick(r, 'active', 'webhookActive') ? 'active' : 'inactive') + '.'); return loadManaged(); })
      .catch(failed('Toggle')));
    $('test-webhook').addEventListener('click', () => api(agencyPath('/test'), { method: 'POST' })
      .then((r) => {
        const a = r && r.firstAttempt;
        const result = a ? a.outcome + (a.httpStatus ? ' (HTTP ' + a.httpStatus + ')' : '') : fmt(pick(r, 'message', 'status'));
        notify('Test webhook to ' + managed() + ': ' + result + '.', !!a && a.outcome !== 'delivered');
        return loadManaged();
      })
      .catch(failed('Test webhook')));
    $('rotate-secret').addEventListener('click', () => api(agencyPath('/rotate-secret'), { method: 'POST' })
      .then((r) => { showSecret(r); notify('Secret of ' + managed() + ' rotated.'); })
      .catch(failed('Rotating the secret')));
    $('deliveries-form').addEventListener('submit', (e) => { e.preventDefault(); loadDeliveries().catch(failed('Deliveries')); });
  }

  function showSecret(r) {
    const secret = pick(r, 'secret', 'newSecret', 'signingSecret');
    $('secret-box').hidden = !secret;
    $('secret-value').textContent = secret || '';
  }

  document.addEventListener('DOMContentLoaded', () => {
    wire();
    if (token()) { signIn(); } else { signOut(''); }
  });
})();
