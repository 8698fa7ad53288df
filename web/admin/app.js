// Omega Realm admin console: a single page over the omega-api admin endpoints (/admin/v1),
// served at /admin/. Plain JavaScript, no framework, no external resource. Data is always put
// into the page as text (textContent), never as HTML.
//
// Navigation is by hash: #/login, #/world, #/players, #/account/<id>, #/audit, #/reports,
// #/tournaments.
// The admin token lives in sessionStorage ("omega_admin_token"; the staff member's name and
// role in "omega_admin"): it dies with the tab. A 401 from any call logs out.
//
// Stable element ids (the contract of browser tests; keep them when changing the page):
//   global     #error (API and input errors, as text), #action-result (what the last action
//              did), #session, #whoami (staff username), #role (viewer|moderator|admin),
//              #logout-button
//   navigation #nav, #nav-world, #nav-players, #nav-audit, #nav-reports, #nav-tournaments
//   views      #view-login, #view-world, #view-players, #view-account, #view-audit,
//              #view-reports, #view-tournaments (the visible one has no `hidden` attribute)
//   login      #login-form, #login-username, #login-password, #login-submit
//   world      #world-players (total players), #world-processes-count, #world-instances-count,
//              #world-updated, #world-processes (table), #world-instances (table),
//              rows #world-process-row-<process id>, #world-instance-row-<zone>-<instance>
//   lookup     #lookup-form, #lookup-name, #lookup-submit, #lookup-results (table),
//              #player-row-<account name> (a row; its link #player-link-<account name> opens
//              the account page)
//   account    #account-username, #account-id, #account-created, #account-status,
//              #account-characters (table, rows #character-row-<character name>),
//              #account-logins (table: recent logins with their session ids)
//   moderation #ban-reason, #ban-duration, #ban-submit; #unban-reason, #unban-submit;
//              #mute-reason, #mute-duration, #mute-submit; #kick-reason, #kick-submit
//              (durations: seconds, or 30m, 24h, 7d; 0 = permanent ban / lifts a mute)
//   economy    #economy-character (select of the account's characters), #ledger-load,
//              #ledger-table (rows #ledger-row-<ledger id>); #grant-gold, #grant-item,
//              #grant-quantity, #grant-reason, #grant-submit; #remove-gold, #remove-item, #remove-quantity, #remove-reason,
//              #remove-submit; #cancel-listing-id, #cancel-listing-reason,
//              #cancel-listing-submit
//   audit      #audit-form, #audit-account, #audit-refresh, #audit-table, #audit-more
//   reports    #reports-refresh, #reports-table (rows #report-row-<report id>), #reports-more
//   tournaments #tournaments-refresh, #tournaments-updated, #tournaments-queues,
//              #tournaments-live, #tournaments-results
//
// Buttons a role cannot use are disabled (forms carry data-min-role); the server's 403 is
// what actually decides, and its message is shown in #error.
'use strict';

const TOKEN_KEY = 'omega_admin_token';
const STAFF_KEY = 'omega_admin';
const ROLE_RANK = { viewer: 0, moderator: 1, admin: 2 };
const WORLD_REFRESH_MS = 2000;
const TOURNAMENTS_REFRESH_MS = 5000;
const DURATION_UNITS = { s: 1, m: 60, h: 3600, d: 86400 };

const state = {
  account: null,       // the account document shown on the account page
  auditBefore: 0,      // the oldest audit entry id shown (for "Older entries")
  reportsBefore: null, // the reports page's next_before (for "Older reports")
  timer: null,         // the refresh timer of the visible view
};

function $(id) { return document.getElementById(id); }

// ---- session ------------------------------------------------------------------------------

function token() { return sessionStorage.getItem(TOKEN_KEY); }

function staff() {
  try { return JSON.parse(sessionStorage.getItem(STAFF_KEY) || 'null'); } catch (e) { return null; }
}

function forgetSession() {
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(STAFF_KEY);
}

function roleAllows(needed) {
  const me = staff();
  return !!me && (ROLE_RANK[me.role] ?? -1) >= (ROLE_RANK[needed] ?? 99);
}

// ---- messages -----------------------------------------------------------------------------

function showError(text) { $('error').textContent = text || ''; }
function showResult(text) { $('action-result').textContent = text || ''; }
function clearMessages() { showError(''); showResult(''); }

class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

function describe(error) {
  if (error instanceof ApiError) {
    return error.status ? `${error.status} ${error.code}: ${error.message}` : error.message;
  }
  return String(error && error.message ? error.message : error);
}

// ---- API ----------------------------------------------------------------------------------

// Calls the API; resolves to the parsed JSON body (null for 204) or rejects with an ApiError
// carrying the house error's code and message. A 401 ends the session and shows the login.
async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (token()) headers.Authorization = `Bearer ${token()}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
    });
  } catch (e) {
    throw new ApiError(0, 'network', `the API cannot be reached (${e.message})`);
  }
  const text = await response.text();
  let json = null;
  if (text) {
    try { json = JSON.parse(text); } catch (e) { json = null; }
  }
  if (response.ok) return json;
  const code = json && json.error ? json.error.code : 'http_error';
  const message = json && json.error ? json.error.message : (text || response.statusText);
  const error = new ApiError(response.status, code, message);
  if (response.status === 401 && path !== '/admin/v1/login') {
    forgetSession();
    updateSessionBar();
    if (location.hash !== '#/login') location.hash = '#/login';
  }
  throw error;
}

// Runs `work` and shows its failure in #error; returns its result or undefined.
async function guarded(work) {
  try {
    return await work();
  } catch (error) {
    showError(describe(error));
    return undefined;
  }
}

// ---- rendering helpers --------------------------------------------------------------------

function text(value) {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function cell(row, value) {
  const td = document.createElement('td');
  if (value instanceof Node) td.appendChild(value); else td.textContent = text(value);
  row.appendChild(td);
  return td;
}

// Appends to `table`'s tbody one row per item: `cells(item)` gives the cell values,
// `rowId(item)` the row's id (optional).
function appendRows(table, items, cells, rowId) {
  const body = table.tBodies[0];
  for (const item of items) {
    const row = document.createElement('tr');
    if (rowId) row.id = rowId(item);
    for (const value of cells(item)) cell(row, value);
    body.appendChild(row);
  }
}

// Replaces the rows of `table`'s tbody (appendRows); one "none" row when there are no items.
function fillTable(table, items, cells, rowId) {
  const body = table.tBodies[0];
  body.replaceChildren();
  appendRows(table, items, cells, rowId);
  if (items.length === 0) {
    const row = document.createElement('tr');
    const td = cell(row, 'none');
    td.colSpan = Math.max(1, table.tHead.rows[0].cells.length);
    td.className = 'muted';
    body.appendChild(row);
  }
}

function link(href, label, id) {
  const a = document.createElement('a');
  a.href = href;
  a.textContent = label;
  if (id) a.id = id;
  return a;
}

function fixed(value, digits) {
  return typeof value === 'number' ? value.toFixed(digits) : '—';
}

function seconds(ms) {
  return typeof ms === 'number' ? `${Math.round(ms / 1000)} s` : '—';
}

function clock() { return new Date().toLocaleTimeString(); }

// "0", "3600", "30m", "24h", "7d" → seconds; NaN for anything else.
function parseDuration(input) {
  const match = /^\s*(\d+)\s*([smhd]?)\s*$/i.exec(input);
  if (!match) return NaN;
  return Number(match[1]) * DURATION_UNITS[(match[2] || 's').toLowerCase()];
}

// A whole number from an input, or null when the input is empty; NaN when it is not one.
function wholeNumber(input) {
  const value = input.trim();
  if (value === '') return null;
  return /^\d+$/.test(value) ? Number(value) : NaN;
}

// ---- views --------------------------------------------------------------------------------

const VIEWS = ['login', 'world', 'players', 'account', 'audit', 'reports', 'tournaments'];

function showView(name) {
  for (const view of VIEWS) $(`view-${view}`).hidden = view !== name;
  for (const a of document.querySelectorAll('#nav a')) {
    a.classList.toggle('current', a.id === `nav-${name}` || (name === 'account' && a.id === 'nav-players'));
  }
}

function updateSessionBar() {
  const me = staff();
  const signedIn = !!token() && !!me;
  $('nav').hidden = !signedIn;
  $('session').hidden = !signedIn;
  $('whoami').textContent = signedIn ? me.username : '';
  $('role').textContent = signedIn ? me.role : '';
  // Forms the role cannot use are disabled; the server still refuses with 403.
  for (const form of document.querySelectorAll('form[data-min-role]')) {
    const allowed = signedIn && roleAllows(form.dataset.minRole);
    for (const control of form.elements) control.disabled = !allowed;
    form.classList.toggle('forbidden', !allowed);
    form.title = allowed ? '' : `needs the ${form.dataset.minRole} role`;
  }
}

function stopTimer() {
  if (state.timer) clearInterval(state.timer);
  state.timer = null;
}

function every(ms, work) {
  stopTimer();
  work();
  state.timer = setInterval(work, ms);
}

async function route() {
  stopTimer();
  const hash = location.hash || '#/world';
  const [, view, argument] = hash.split('/');
  if (!token() || !staff()) {
    showView('login');
    $('login-username').focus();
    return;
  }
  switch (view) {
    case 'world':
      showView('world');
      every(WORLD_REFRESH_MS, refreshWorld);
      break;
    case 'players':
      showView('players');
      $('lookup-name').focus();
      break;
    case 'account':
      showView('account');
      await loadAccount(argument);
      break;
    case 'audit':
      showView('audit');
      await loadAudit(false);
      break;
    case 'reports':
      showView('reports');
      await loadReports(false);
      break;
    case 'tournaments':
      showView('tournaments');
      every(TOURNAMENTS_REFRESH_MS, refreshTournaments);
      break;
    default:
      location.hash = '#/world';  // also after login: #/login with a session goes on
  }
}

// ---- login --------------------------------------------------------------------------------

async function login(event) {
  event.preventDefault();
  clearMessages();
  const username = $('login-username').value.trim();
  const password = $('login-password').value;
  const answer = await guarded(() => api('POST', '/admin/v1/login', { username, password }));
  if (!answer) return;
  $('login-password').value = '';
  sessionStorage.setItem(TOKEN_KEY, answer.access_token);
  sessionStorage.setItem(STAFF_KEY, JSON.stringify(answer.admin));
  updateSessionBar();
  if (location.hash === '#/world') route();  // no hashchange event would come
  else location.hash = '#/world';
}

async function logout() {
  clearMessages();
  try { await api('POST', '/admin/v1/logout'); } catch (e) { /* the token dies anyway here */ }
  forgetSession();
  updateSessionBar();
  location.hash = '#/login';
}

// ---- live world ---------------------------------------------------------------------------

async function refreshWorld() {
  let world;
  try {
    world = await api('GET', '/admin/v1/world');
  } catch (error) {
    showError(describe(error));
    return;
  }
  if ($('view-world').hidden) return;  // left while the answer was on its way
  $('world-players').textContent = String(world.totals.players);
  $('world-processes-count').textContent = String(world.totals.processes);
  $('world-instances-count').textContent = String(world.totals.instances);
  $('world-updated').textContent = clock();
  fillTable($('world-processes'), world.processes,
    (p) => [p.id, p.zones.join(', '), p.instances, `${p.players} / ${p.capacity}`,
      fixed(p.tick_p99_ms, 2), fixed(p.kb_per_player_s, 2), p.ws_url, p.control_url],
    (p) => `world-process-row-${p.id}`);
  fillTable($('world-instances'), world.instances,
    (i) => [i.zone, i.instance, i.kind, i.players, i.capacity, i.process_id, i.party_id],
    (i) => `world-instance-row-${i.zone}-${i.instance}`);
}

// ---- player lookup and account page -------------------------------------------------------

function accountStatus(account) {
  const parts = [];
  if (account.banned) {
    parts.push(`banned ${account.banned_until ? `until ${account.banned_until}` : 'permanently'}` +
      (account.ban_reason ? ` (${account.ban_reason})` : ''));
  }
  if (account.muted) {
    parts.push(`muted until ${account.muted_until}` + (account.mute_reason ? ` (${account.mute_reason})` : ''));
  }
  return parts.length ? parts.join('; ') : 'in good standing';
}

async function lookup(event) {
  event.preventDefault();
  clearMessages();
  const name = $('lookup-name').value.trim();
  const found = await guarded(() => api('GET', `/admin/v1/players?username=${encodeURIComponent(name)}`));
  const results = $('lookup-results');
  if (!found) {
    fillTable(results, [], () => []);
    return;
  }
  const account = found.account;
  fillTable(results, [found],
    () => [link(`#/account/${account.id}`, account.username, `player-link-${account.username}`),
      account.id, account.created_at, accountStatus(account),
      found.characters.map((c) => c.name).join(', ')],
    () => `player-row-${account.username}`);
}

function whereNow(character) {
  const at = character.online_in;
  return at ? `${at.zone} #${at.instance}` : 'offline';
}

function showAccount(document_) {
  state.account = document_;
  const account = document_.account;
  $('account-username').textContent = account.username;
  $('account-id').textContent = String(account.id);
  $('account-created').textContent = account.created_at;
  $('account-status').textContent = accountStatus(account);
  fillTable($('account-characters'), document_.characters,
    (c) => [c.name, c.id, c.class, c.level, c.gold, c.zone, whereNow(c)],
    (c) => `character-row-${c.name}`);
  fillTable($('account-logins'), document_.recent_logins,
    (l) => [l.at, l.client, l.session_id || '—']);
  const select = $('economy-character');
  const previous = select.value;
  select.replaceChildren();
  for (const c of document_.characters) {
    const option = document.createElement('option');
    option.value = String(c.id);
    option.textContent = `${c.name} (#${c.id})`;
    select.appendChild(option);
  }
  if ([...select.options].some((o) => o.value === previous)) select.value = previous;
}

async function loadAccount(id) {
  if (!/^\d+$/.test(id || '')) {
    showError('no such account');
    return;
  }
  if (!state.account || String(state.account.account.id) !== id) {
    fillTable($('ledger-table'), [], () => []);
  }
  const found = await guarded(() => api('GET', `/admin/v1/accounts/${id}`));
  if (found) showAccount(found);
}

// Sends a moderation action on the account shown and shows what it did.
async function moderate(action, body) {
  clearMessages();
  if (!state.account) return;
  const id = state.account.account.id;
  const answer = await guarded(() => api('POST', `/admin/v1/accounts/${id}/${action}`, body));
  if (!answer) return;
  showAccount(answer);
  let summary = `${action}: done (audit #${answer.audit_id})`;
  if (answer.kicked) {
    summary += `; ${answer.kicked.sessions} live session(s) kicked`;
    if (answer.kicked.unreachable.length) {
      summary += `; not confirmed by ${answer.kicked.unreachable.join(', ')}`;
    }
  }
  showResult(summary);
}

function moderationWithDuration(action, reasonId, durationId) {
  return (event) => {
    event.preventDefault();
    const duration = parseDuration($(durationId).value);
    if (Number.isNaN(duration)) {
      showResult('');
      showError('the duration must be seconds or a number with m, h or d (30m, 24h, 7d)');
      return;
    }
    moderate(action, { reason: $(reasonId).value.trim(), duration_s: duration });
  };
}

function moderationWithReason(action, reasonId) {
  return (event) => {
    event.preventDefault();
    moderate(action, { reason: $(reasonId).value.trim() });
  };
}

// ---- economy (GET /admin/v1/characters/{id}/ledger, POST …/grant|remove,
//      POST /admin/v1/listings/{id}/cancel) ------------------------------------------------

function selectedCharacter() {
  const id = $('economy-character').value;
  if (!id) showError('the account has no character');
  return id;
}

// A ledger place: "character #7", "escrow #12" (a listing), "fee", "admin".
function place(where) {
  if (!where) return '—';
  return where.id === null || where.id === undefined ? where.kind : `${where.kind} #${where.id}`;
}

// The character's ledger (GET /admin/v1/characters/{id}/ledger), newest first: one row per
// movement of gold or items, with the staff member and reason of a staff action.
function showLedger(answer) {
  const rows = (answer && answer.entries) || [];
  fillTable($('ledger-table'), rows, (e) => [
    e.at, e.direction, e.asset === 'gold' ? 'gold' : e.item_id, e.amount, place(e.from),
    place(e.to), e.listing_id === null ? '—' : `#${e.listing_id}`, e.staff || '—',
    e.reason || '—', e.operation_id,
  ], (e) => `ledger-row-${e.id}`);
}

// Shows the selected character's ledger; keeps the messages of the action that asked for it.
async function loadLedger() {
  const id = selectedCharacter();
  if (!id) return;
  const answer = await guarded(() => api('GET', `/admin/v1/characters/${id}/ledger`));
  if (answer) showLedger(answer);
}

// The grant/remove body from the form `prefix` (grant or remove): gold, or an item and quantity.
function economyBody(prefix) {
  const gold = wholeNumber($(`${prefix}-gold`).value);
  const item = $(`${prefix}-item`).value.trim();
  const reason = $(`${prefix}-reason`).value.trim();
  if (Number.isNaN(gold)) throw new Error('gold must be a whole number');
  if ((gold === null) === (item === '')) throw new Error('give either gold or an item id');
  if (gold !== null) return { gold, reason };
  const quantity = wholeNumber($(`${prefix}-quantity`).value);
  if (quantity === null || Number.isNaN(quantity) || quantity < 1) {
    throw new Error('the quantity must be a whole number of at least 1');
  }
  return { item_id: item, quantity, reason };
}

function economyAction(action) {
  return async (event) => {
    event.preventDefault();
    clearMessages();
    const id = selectedCharacter();
    if (!id) return;
    let body;
    try {
      body = economyBody(action);
    } catch (error) {
      showError(error.message);
      return;
    }
    const answer = await guarded(() => api('POST', `/admin/v1/characters/${id}/${action}`, body));
    if (answer === undefined) return;
    const what = body.gold !== undefined ? `${body.gold} gold` : `${body.quantity} × ${body.item_id}`;
    showResult(`${action}: ${what} for character #${id} done` +
      (answer && answer.audit_id ? ` (audit #${answer.audit_id})` : ''));
    await loadLedger();
    if (state.account) await loadAccount(String(state.account.account.id));
  };
}

async function cancelListing(event) {
  event.preventDefault();
  clearMessages();
  const id = wholeNumber($('cancel-listing-id').value);
  if (id === null || Number.isNaN(id)) {
    showError('the listing id must be a whole number');
    return;
  }
  const reason = $('cancel-listing-reason').value.trim();
  const answer = await guarded(() => api('POST', `/admin/v1/listings/${id}/cancel`, { reason }));
  if (answer === undefined) return;
  showResult(`listing #${id} cancelled` + (answer && answer.audit_id ? ` (audit #${answer.audit_id})` : ''));
}

// ---- audit log ----------------------------------------------------------------------------

function auditRow(entry) {
  const target = entry.target_type === 'account' && entry.target_id !== null
    ? link(`#/account/${entry.target_id}`, `account #${entry.target_id}`)
    : `${entry.target_type} #${text(entry.target_id)}`;
  return [entry.id, entry.at, entry.admin_username, entry.role, entry.action, target, entry.reason,
    entry.details, entry.request_id];
}

async function loadAudit(older) {
  clearMessages();
  const params = new URLSearchParams({ limit: '50' });
  const account = $('audit-account').value.trim();
  if (account) params.set('account_id', account);
  if (older && state.auditBefore) params.set('before_id', String(state.auditBefore));
  const answer = await guarded(() => api('GET', `/admin/v1/audit?${params}`));
  if (!answer) return;
  (older ? appendRows : fillTable)($('audit-table'), answer.entries, auditRow,
    (entry) => `audit-row-${entry.id}`);
  if (answer.entries.length) state.auditBefore = answer.entries[answer.entries.length - 1].id;
  $('audit-more').hidden = answer.entries.length < 50;
}

// ---- chat reports -------------------------------------------------------------------------

function reportParty(party) {
  const label = `${party.name === null ? `character #${party.character_id}` : party.name}` +
    ` (account #${party.account_id})`;
  return link(`#/account/${party.account_id}`, label);
}

function reportRow(report) {
  return [report.id, report.created_at, reportParty(report.reporter), reportParty(report.reported),
    report.reason, report.quoted];
}

async function loadReports(older) {
  clearMessages();
  const params = new URLSearchParams({ limit: '50' });
  if (older && state.reportsBefore) params.set('before', String(state.reportsBefore));
  const answer = await guarded(() => api('GET', `/admin/v1/reports?${params}`));
  if (!answer) return;
  (older ? appendRows : fillTable)($('reports-table'), answer.reports, reportRow,
    (report) => `report-row-${report.id}`);
  state.reportsBefore = answer.next_before;
  $('reports-more').hidden = answer.next_before === null;
}

// ---- tournaments --------------------------------------------------------------------------

function matchPlayers(match, withChange) {
  return match.players.map((p) => {
    let label = `${p.name} (team ${p.team}, ${p.rating_before}`;
    if (withChange && p.rating_after !== null) label += ` → ${p.rating_after}`;
    return `${label})`;
  }).join(', ');
}

function winner(match) {
  if (match.state !== 'finished') return match.state;
  return match.winner_team === 0 ? 'draw' : `team ${match.winner_team}`;
}

async function refreshTournaments() {
  let answer;
  try {
    answer = await api('GET', '/admin/v1/tournaments');
  } catch (error) {
    showError(describe(error));
    return;
  }
  if ($('view-tournaments').hidden) return;
  $('tournaments-updated').textContent = clock();
  fillTable($('tournaments-queues'), answer.queues,
    (q) => [q.tournament, q.name, q.team_size, q.waiting, seconds(q.longest_wait_ms)],
    (q) => `queue-row-${q.tournament}`);
  fillTable($('tournaments-live'), answer.live_matches,
    (m) => [m.id, m.tournament, m.state, m.zone ? `${m.zone} #${m.instance}` : '—', m.created_at,
      matchPlayers(m, false)],
    (m) => `match-row-${m.id}`);
  fillTable($('tournaments-results'), answer.recent_results,
    (m) => [m.id, m.tournament, m.state, m.finished_at, winner(m), matchPlayers(m, true)],
    (m) => `result-row-${m.id}`);
}

// ---- start --------------------------------------------------------------------------------

function start() {
  $('login-form').addEventListener('submit', login);
  $('logout-button').addEventListener('click', logout);
  $('lookup-form').addEventListener('submit', lookup);
  $('ban-form').addEventListener('submit', moderationWithDuration('ban', 'ban-reason', 'ban-duration'));
  $('mute-form').addEventListener('submit', moderationWithDuration('mute', 'mute-reason', 'mute-duration'));
  $('unban-form').addEventListener('submit', moderationWithReason('unban', 'unban-reason'));
  $('kick-form').addEventListener('submit', moderationWithReason('kick', 'kick-reason'));
  $('ledger-load').addEventListener('click', () => {
    clearMessages();
    loadLedger();
  });
  $('grant-form').addEventListener('submit', economyAction('grant'));
  $('remove-form').addEventListener('submit', economyAction('remove'));
  $('cancel-listing-form').addEventListener('submit', cancelListing);
  $('audit-form').addEventListener('submit', (event) => { event.preventDefault(); loadAudit(false); });
  $('audit-more').addEventListener('click', () => loadAudit(true));
  $('reports-refresh').addEventListener('click', () => loadReports(false));
  $('reports-more').addEventListener('click', () => loadReports(true));
  $('tournaments-refresh').addEventListener('click', refreshTournaments);
  window.addEventListener('hashchange', () => { clearMessages(); route(); });
  updateSessionBar();
  route();
}

document.addEventListener('DOMContentLoaded', start);
