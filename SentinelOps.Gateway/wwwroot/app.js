// Sentinel-Ops status page: initial state over HTTP, then live events over /ws/system-events.
// Plain script (no modules, no libraries) so it works offline under Content-Security-Policy default-src 'self'.
'use strict';

(() => {
  const KEY_STORAGE = 'sentinel-ops.api-key';
  const SPARK_WINDOW_MS = 15 * 60 * 1000;
  const SPARK_MAX_POINTS = 180;
  const STATUS_POLL_MS = 5000;
  const METRICS_POLL_MS = 10000;
  const MAX_INCIDENTS = 50;
  const SVG_NS = 'http://www.w3.org/2000/svg';

  const state = {
    apiKey: sessionStorage.getItem(KEY_STORAGE),
    authRequired: false,
    providers: new Map(), // name -> provider view model
    incidents: new Map(), // id -> incident
    metrics: null,
    lastEventId: null,
    socket: null,
    socketLive: false,
    reconnectAttempt: 0,
    reconnectTimer: null,
  };

  const $ = (id) => document.getElementById(id);

  // ---------- HTTP ----------

  class ApiError extends Error {
    constructor(status, message) {
      super(message);
      this.status = status;
    }
  }

  async function api(path, options = {}) {
    const headers = new Headers(options.headers || {});
    if (state.apiKey) headers.set('x-api-key', state.apiKey);
    const response = await fetch(path, { ...options, headers, cache: 'no-store' });
    if (response.status === 401) {
      state.authRequired = true;
      askForKey(state.apiKey ? 'The gateway refused this key. Enter another one.' : 'This gateway needs a client key.');
      throw new ApiError(401, 'a client key is needed');
    }
    return response;
  }

  async function problemText(response) {
    try {
      const body = await response.json();
      return body.detail || body.title || `HTTP ${response.status}`;
    } catch {
      return `HTTP ${response.status}`;
    }
  }

  // ---------- model ----------

  const lower = (value) => (typeof value === 'string' ? value.toLowerCase() : value);

  function provider(name) {
    let model = state.providers.get(name);
    if (!model) {
      model = { name, priority: Number.MAX_SAFE_INTEGER, samples: [], controllable: false, fault: null };
      state.providers.set(name, model);
    }
    return model;
  }

  function addSample(model, at, latency) {
    if (typeof latency !== 'number' || !Number.isFinite(latency)) return;
    const time = at ? Date.parse(at) : Date.now();
    const last = model.samples[model.samples.length - 1];
    if (last && last.t === time) return;
    model.samples.push({ t: Number.isFinite(time) ? time : Date.now(), v: latency });
    const cutoff = Date.now() - SPARK_WINDOW_MS;
    while (model.samples.length > SPARK_MAX_POINTS || (model.samples.length && model.samples[0].t < cutoff)) {
      model.samples.shift();
    }
  }

  // The gateway's own view (circuit, traffic) from GET /api/providers/status.
  function applyGatewayStatus(name, body) {
    const model = provider(name);
    model.gatewayStatus = lower(body.status);
    model.kind = body.kind ?? model.kind;
    model.model = body.model ?? model.model;
    if (typeof body.priority === 'number') model.priority = body.priority;
    model.circuit = lower(body.circuit_breaker?.state) ?? model.circuit;
    model.retryAfter = body.circuit_breaker?.retry_after ?? body.circuit_breaker?.retry_after_seconds ?? null;
    if (typeof body.success_rate_pct === 'number') model.gatewaySuccess = body.success_rate_pct;
    if (typeof body.latency_ms === 'number') model.gatewayLatency = body.latency_ms;
    model.traffic = body.traffic ?? null;
    model.drift = body.drift ? { ...body.drift, state: lower(body.drift.state) } : null;
    if (!state.socketLive) addSample(model, null, body.latency_ms);
  }

  // The Monitor's probe result, from provider_status events and probes.
  function applyReport(report) {
    if (!report || !report.provider) return;
    const model = provider(report.provider);
    model.report = { ...report, status: lower(report.status) };
    addSample(model, report.checked_at, report.latency_ms);
  }

  // The monitor's probe verdict, unless the gateway is draining a provider the probes find healthy (drift).
  function health(model) {
    const status = model.report?.status ?? model.gatewayStatus ?? 'unknown';
    const drifting = model.drift && model.drift.state && model.drift.state !== 'healthy';
    return status === 'healthy' && drifting ? 'degraded' : status;
  }

  function activeProvider() {
    if (state.metrics?.active_provider) return state.metrics.active_provider;
    const ordered = [...state.providers.values()].sort((a, b) => a.priority - b.priority);
    const usable = ordered.find((p) => health(p) !== 'down' && p.circuit !== 'open' && p.circuit !== 'isolated');
    return usable?.name ?? null;
  }

  // ---------- rendering ----------

  const number = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
  const decimal = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });

  function ms(value) {
    return typeof value === 'number' ? `${decimal.format(value)} ms` : '–';
  }

  function ago(iso) {
    if (!iso) return '–';
    const seconds = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
    if (!Number.isFinite(seconds)) return '–';
    if (seconds < 60) return `${seconds} s ago`;
    if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
    return `${Math.floor(seconds / 3600)} h ago`;
  }

  function duration(seconds) {
    if (typeof seconds !== 'number') return '–';
    const s = Math.floor(seconds);
    if (s < 60) return `${s} s`;
    if (s < 3600) return `${Math.floor(s / 60)} min`;
    if (s < 86400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
    return `${Math.floor(s / 86400)} d ${Math.floor((s % 86400) / 3600)} h`;
  }

  function cardFor(name) {
    const container = $('providers');
    let card = container.querySelector(`[data-provider="${CSS.escape(name)}"]`);
    if (!card) {
      card = $('card-template').content.firstElementChild.cloneNode(true);
      card.dataset.provider = name;
      card.querySelector('.name').textContent = name;
      card.querySelector('.probe').addEventListener('click', (e) => probe(name, e.currentTarget));
      card.querySelector('.outage').addEventListener('click', (e) => setFault(name, 'PUT', e.currentTarget));
      card.querySelector('.restore').addEventListener('click', (e) => setFault(name, 'DELETE', e.currentTarget));
      container.append(card);
    }
    return card;
  }

  function renderSparkline(card, samples) {
    const line = card.querySelector('.spark-line');
    if (samples.length < 2) {
      line.setAttribute('points', '');
      return;
    }
    const now = Date.now();
    const start = Math.min(samples[0].t, now - 60 * 1000);
    const span = Math.max(1, now - start);
    const max = Math.max(...samples.map((s) => s.v), 1);
    const points = samples.map((s) => {
      const x = ((s.t - start) / span) * 200;
      const y = 38 - (s.v / max) * 36;
      return `${x.toFixed(1)},${y.toFixed(1)}`;
    });
    line.setAttribute('points', points.join(' '));
    card.querySelector('.spark').setAttribute('aria-label', `Latency over the last minutes, up to ${decimal.format(max)} ms`);
  }

  function renderProviders() {
    const active = activeProvider();
    const ordered = [...state.providers.values()].sort((a, b) => a.priority - b.priority); // stable: ties keep the chain's order
    $('providers-empty').hidden = ordered.length > 0;
    $('metric-active').textContent = active ?? '–';
    for (const model of ordered) {
      const card = cardFor(model.name);
      $('providers').append(card); // keeps priority order
      const status = health(model);
      card.dataset.health = status;
      card.dataset.active = String(model.name === active);
      const badge = card.querySelector('.health');
      badge.textContent = status;
      badge.dataset.value = status;
      card.querySelector('.active').hidden = model.name !== active;
      card.querySelector('.kind').textContent = model.kind ?? 'provider';
      card.querySelector('.model').textContent = model.model ?? '';

      const circuit = card.querySelector('.circuit');
      circuit.textContent = model.circuit ? model.circuit.replace('_', '-') : '–';
      circuit.dataset.state = model.circuit ?? '';
      if (model.circuit === 'open' && typeof model.retryAfter === 'number') {
        circuit.textContent += ` (${Math.ceil(model.retryAfter)} s)`;
      }

      const latency = model.report?.latency_ms ?? model.gatewayLatency;
      card.querySelector('.latency').textContent = ms(latency);
      const success = model.report?.success_rate_pct ?? model.gatewaySuccess;
      card.querySelector('.success').textContent = typeof success === 'number' ? `${decimal.format(success)} %` : '–';
      card.querySelector('.checked').textContent = ago(model.report?.checked_at);

      const traffic = card.querySelector('.traffic');
      const share = model.traffic?.share_pct;
      const weight = model.traffic?.weight_pct;
      const drained = typeof weight === 'number' && weight < 100;
      traffic.textContent = (typeof share === 'number' ? `${decimal.format(share)} %` : '–')
        + (drained ? ` · weight ${decimal.format(weight)} %` : '');
      traffic.dataset.drained = String(drained);

      const drift = card.querySelector('.drift');
      const driftState = model.drift?.state;
      drift.hidden = !driftState || driftState === 'healthy';
      drift.textContent = drift.hidden ? ''
        : `Drift ${driftState}${model.drift.reason ? `: ${model.drift.reason}` : ''}${drained ? ` (traffic weight ${decimal.format(weight)} %)` : ''}`;

      const error = card.querySelector('.error');
      error.hidden = !model.report?.error || status === 'healthy';
      error.textContent = model.report?.error ?? '';

      const fault = card.querySelector('.fault');
      const mode = model.fault?.mode;
      fault.hidden = !mode || mode === 'healthy';
      fault.textContent = mode ? `Injected fault: ${mode}` : '';

      card.querySelector('.outage').hidden = !model.controllable;
      card.querySelector('.restore').hidden = !model.controllable;
      renderSparkline(card, model.samples);
    }
  }

  function renderMetrics() {
    const m = state.metrics;
    if (!m) return;
    $('metric-requests').textContent = typeof m.total_requests === 'number' ? number.format(m.total_requests) : '–';
    $('metric-failovers').textContent = typeof m.total_failovers === 'number' ? number.format(m.total_failovers) : '–';
    const p95 = m.p95_latency_ms ?? m.latency_ms?.p95 ?? m.latency_percentiles_ms?.p95 ?? m.percentiles?.p95_latency_ms;
    $('metric-p95').textContent = ms(p95);
    const rate = typeof m.success_rate_pct === 'number'
      ? m.success_rate_pct
      : (m.total_requests > 0 ? (100 * (m.total_successes ?? 0)) / m.total_requests : null);
    $('metric-success').textContent = typeof rate === 'number' ? `${decimal.format(rate)} %` : '–';
    $('metric-uptime').textContent = duration(m.uptime_seconds);
    $('metric-active').textContent = activeProvider() ?? '–';
  }

  const SEVERITY = {
    provider_down: 'bad',
    all_providers_down: 'bad',
    circuit_opened: 'bad',
    provider_degraded: 'warn',
    failover_triggered: 'warn',
    circuit_half_open: 'warn',
    provider_recovered: 'good',
    circuit_closed: 'good',
  };

  function addIncident(incident, id, fresh) {
    if (!incident) return;
    const key = id ?? incident.id ?? `${incident.type}-${incident.provider}-${incident.timestamp}`;
    if (state.incidents.has(key)) return;
    state.incidents.set(key, incident);

    const item = $('incident-template').content.firstElementChild.cloneNode(true);
    const type = lower(incident.type) ?? 'incident';
    item.dataset.type = type;
    item.dataset.id = key;
    item.dataset.time = String(Date.parse(incident.timestamp) || Date.now());
    if (incident.provider) item.dataset.provider = incident.provider;
    const time = item.querySelector('time');
    time.dateTime = incident.timestamp ?? '';
    time.textContent = incident.timestamp ? new Date(incident.timestamp).toLocaleTimeString() : '';
    time.title = incident.timestamp ?? '';
    const badge = item.querySelector('.type');
    badge.textContent = type.replaceAll('_', ' ');
    badge.dataset.severity = SEVERITY[type] ?? '';
    item.querySelector('.provider').textContent = incident.provider ?? '';
    item.querySelector('.detail').textContent = incident.detail ?? '';
    if (fresh) item.classList.add('new');

    // Newest first, whatever order they arrive in.
    const list = $('incidents');
    const at = Number(item.dataset.time);
    const later = [...list.children].find((li) => Number(li.dataset.time) < at);
    list.insertBefore(item, later ?? null);
    while (list.children.length > MAX_INCIDENTS) {
      const last = list.lastElementChild;
      state.incidents.delete(last.dataset.id);
      last.remove();
    }
    $('incidents-empty').hidden = list.children.length > 0;
  }

  let toastTimer = null;
  function toast(message) {
    const element = $('toast');
    element.textContent = message;
    element.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { element.hidden = true; }, 5000);
  }

  // ---------- loading ----------

  async function loadStatus() {
    const response = await api('/api/providers/status');
    if (!response.ok) throw new ApiError(response.status, await problemText(response));
    const body = await response.json();
    const entries = Array.isArray(body) ? body.map((p) => [p.name ?? p.provider, p]) : Object.entries(body);
    for (const [name, status] of entries) applyGatewayStatus(name, status);
    renderProviders();
    renderMetrics();
  }

  async function loadMetrics() {
    const response = await api('/api/metrics');
    if (response.status === 404) return; // an older gateway without metrics
    if (!response.ok) throw new ApiError(response.status, await problemText(response));
    state.metrics = await response.json();
    renderMetrics();
    renderProviders();
  }

  async function loadIncidents() {
    const response = await api('/api/incidents?limit=20');
    if (response.status === 404) return;
    if (!response.ok) throw new ApiError(response.status, await problemText(response));
    const body = await response.json();
    const list = Array.isArray(body) ? body : (body.incidents ?? body.items ?? []);
    for (const incident of list) addIncident(incident, incident.id, false);
    const newest = list.map((i) => i.id).filter(Boolean)[0];
    if (newest && !state.lastEventId) state.lastEventId = newest;
  }

  // Which providers take faults: the gateway forwards to simulators only.
  async function loadFaults() {
    await Promise.all([...state.providers.keys()].map(async (name) => {
      const response = await api(`/api/providers/${encodeURIComponent(name)}/faults`);
      const model = provider(name);
      model.controllable = response.ok;
      model.fault = response.ok ? await response.json() : null;
    }));
    renderProviders();
  }

  async function safely(task) {
    try {
      await task();
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 401)) console.warn(error);
    }
  }

  async function loadAll() {
    await safely(loadStatus);
    await Promise.all([safely(loadMetrics), safely(loadIncidents), safely(loadFaults)]);
  }

  // ---------- live events ----------

  function setConnection(stateName, text) {
    const pill = $('connection');
    pill.dataset.state = stateName;
    pill.textContent = text;
  }

  async function connect() {
    clearTimeout(state.reconnectTimer);
    const url = new URL('/ws/system-events', window.location.href);
    url.protocol = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
    if (state.lastEventId) url.searchParams.set('last_event_id', state.lastEventId);
    if (state.apiKey || state.authRequired) {
      // Browsers cannot send headers on a WebSocket: trade the key for a short-lived ticket.
      try {
        const response = await api('/api/auth/ws-ticket', { method: 'POST' });
        if (response.ok) url.searchParams.set('ticket', (await response.json()).ticket);
      } catch {
        scheduleReconnect();
        return;
      }
    }

    let socket;
    try {
      socket = new WebSocket(url);
    } catch {
      scheduleReconnect();
      return;
    }
    state.socket = socket;
    socket.addEventListener('open', () => {
      state.socketLive = true;
      state.reconnectAttempt = 0;
      setConnection('live', 'live');
    });
    socket.addEventListener('message', (message) => {
      try {
        handleEvent(JSON.parse(message.data));
      } catch (error) {
        console.warn('unreadable event', error);
      }
    });
    socket.addEventListener('close', () => {
      if (state.socket !== socket) return;
      state.socketLive = false;
      scheduleReconnect();
    });
  }

  function scheduleReconnect() {
    state.reconnectAttempt += 1;
    const delay = Math.min(30000, 1000 * 2 ** Math.min(state.reconnectAttempt - 1, 5)) * (0.75 + Math.random() * 0.5);
    setConnection('reconnecting', `reconnecting in ${Math.ceil(delay / 1000)} s`);
    state.reconnectTimer = setTimeout(connect, delay);
  }

  let statusRefresh = null;
  function refreshStatusSoon() {
    clearTimeout(statusRefresh);
    statusRefresh = setTimeout(() => safely(loadStatus), 250);
  }

  function handleEvent(event) {
    if (event.id) state.lastEventId = event.id;
    const payload = event.payload ?? {};
    switch (event.event_type) {
      case 'provider_status':
        applyReport(payload);
        renderProviders();
        break;
      case 'incident':
        addIncident(payload, event.id ?? payload.id, true);
        // Circuit changes are not pushed as status: fetch the gateway's view now rather than at the next poll.
        refreshStatusSoon();
        break;
      case 'metrics':
        state.metrics = payload;
        renderMetrics();
        renderProviders();
        break;
      default: // heartbeat, system
        break;
    }
  }

  // ---------- admin actions ----------

  async function withButton(button, action) {
    button.disabled = true;
    try {
      await action();
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 401)) toast(error.message);
    } finally {
      button.disabled = false;
    }
  }

  async function adminFailure(response) {
    if (response.status === 403) return 'This key may not do that: it needs the admin scope.';
    return problemText(response);
  }

  function probe(name, button) {
    return withButton(button, async () => {
      const response = await api(`/api/providers/${encodeURIComponent(name)}/probe`, { method: 'POST' });
      if (!response.ok) throw new Error(`Probe of ${name} failed: ${await adminFailure(response)}`);
      const body = await response.json().catch(() => null);
      const report = body?.provider ? body : body?.[name];
      if (report?.status) applyReport({ provider: name, ...report });
      renderProviders();
      toast(`${name}: ${report?.status ?? 'probed'}${typeof report?.latency_ms === 'number' ? ` (${ms(report.latency_ms)})` : ''}`);
      await safely(loadStatus);
    });
  }

  function setFault(name, method, button) {
    return withButton(button, async () => {
      const response = await api(`/api/providers/${encodeURIComponent(name)}/faults`, { method });
      if (!response.ok) throw new Error(`Could not change ${name}: ${await adminFailure(response)}`);
      provider(name).fault = await response.json();
      renderProviders();
      toast(method === 'PUT' ? `${name} now fails every request (503).` : `${name} restored.`);
    });
  }

  // ---------- API key ----------

  function askForKey(reason) {
    const dialog = $('key-dialog');
    if (dialog.open) return;
    $('key-reason').textContent = `${reason} It is kept in this tab only (sessionStorage).`;
    $('key-input').value = '';
    dialog.showModal();
  }

  function onKeyDialogClosed() {
    const dialog = $('key-dialog');
    if (dialog.returnValue === 'save' && $('key-input').value.trim()) {
      state.apiKey = $('key-input').value.trim();
      sessionStorage.setItem(KEY_STORAGE, state.apiKey);
    } else if (dialog.returnValue === 'forget') {
      state.apiKey = null;
      sessionStorage.removeItem(KEY_STORAGE);
    } else {
      return;
    }
    loadAll();
    if (state.socket) {
      const old = state.socket;
      state.socket = null;
      old.close();
    }
    connect();
  }

  // ---------- start ----------

  function start() {
    $('key-button').addEventListener('click', () => askForKey('Enter a client key.'));
    $('key-dialog').addEventListener('close', onKeyDialogClosed);
    loadAll().then(connect);
    setInterval(() => safely(loadStatus), STATUS_POLL_MS);
    setInterval(() => safely(loadMetrics), METRICS_POLL_MS);
  }

  start();
})();
