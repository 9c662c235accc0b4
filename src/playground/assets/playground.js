// The playground page: draws the screen Greenlight's playground renders for the person chosen,
// and turns clicks and entries into the playground's requests (which become the signed
// requests Slack would send). Plain script, no build step, no dependencies.
'use strict';

const $ = (id) => document.getElementById(id);
const saved = JSON.parse(localStorage.getItem('greenlight-playground') || '{}');
const view = {
  user: saved.user || '',
  channel: saved.channel || '',
  thread: '',
  tab: 'messages',
  pane: 'chat',
  chat: saved.chat === 'teams' ? 'teams' : 'slack',
  conversation: saved.conversation || '',
  teamsThread: '',
};
let screen = null;
const uploads = new Map(); // `${viewId}/${blockId}/${actionId}` → Slack file objects
const shownNotices = new Set();

function remember() {
  localStorage.setItem(
    'greenlight-playground',
    JSON.stringify({ user: view.user, channel: view.channel, chat: view.chat, conversation: view.conversation }),
  );
}

async function call(path, body) {
  const res = await fetch(`/playground/api/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok || json.ok === false) toast(json.error || 'That did not work.');
  return json;
}

function toast(text) {
  const el = document.createElement('div');
  el.className = 'toast';
  el.textContent = text;
  $('toasts').append(el);
  setTimeout(() => el.remove(), 6000);
}

let loading = null;
let again = false;
async function refresh() {
  if (view.chat === 'teams' && !window.teamsView) return;
  if (loading) {
    again = true;
    return loading;
  }
  loading = (async () => {
    do {
      again = false;
      if (view.chat === 'teams' && window.teamsView) {
        const q = new URLSearchParams({ user: view.user, conversation: view.conversation, thread: view.teamsThread });
        const res = await fetch(`/playground/api/teams/screen?${q}`);
        if (res.ok) await window.teamsView.draw(await res.json());
      } else {
        const q = new URLSearchParams({ user: view.user, channel: view.channel, thread: view.thread, tab: view.tab });
        const res = await fetch(`/playground/api/screen?${q}`);
        if (res.ok) draw(await res.json());
      }
    } while (again);
  })().finally(() => {
    loading = null;
  });
  return loading;
}

function item(label, active, onClick, testId) {
  const li = document.createElement('li');
  const b = document.createElement('button');
  b.type = 'button';
  b.className = `nav-item${active ? ' active' : ''}`;
  b.textContent = label;
  if (testId) b.dataset.testid = testId;
  b.addEventListener('click', onClick);
  li.append(b);
  return li;
}

function messageHtml(m, inThread) {
  const who = '<span class="who">Greenlight<span class="app">APP</span></span>';
  const replies =
    !inThread && m.replies
      ? `<button type="button" class="replies" data-thread="${m.ts}">${m.replies} repl${m.replies === 1 ? 'y' : 'ies'}</button>`
      : '';
  const only = m.ephemeral ? '<div class="only-you">👁 Only visible to you</div>' : '';
  return `<div class="msg${m.ephemeral ? ' ephemeral' : ''}" data-ts="${m.ts}" data-ephemeral="${m.ephemeral}"><div class="avatar">G</div><div>${only}${who}<span class="when">${m.time}${m.edited ? ' (edited)' : ''}</span><div class="body">${m.html}</div>${replies}</div></div>`;
}

function draw(s) {
  // A screen asked for before a switch of person belongs to no one now: the next one is coming.
  if (view.user && s.me.id !== view.user && s.people.some((p) => p.id === view.user)) {
    again = true;
    return;
  }
  // For bench:playground: when the first screen was on the page, from the navigation's start.
  if (!screen) performance.mark('greenlight:first-screen');
  screen = s;
  view.user = s.me.id;
  view.channel = s.channel.id;
  remember();
  drawChrome(s);
  $('channels').replaceChildren(
    ...s.channels
      .filter((c) => c.kind === 'channel')
      .map((c) => item(`# ${c.name}`, view.pane === 'chat' && c.id === s.channel.id, () => go(c.id), `channel-${c.name}`)),
  );
  $('dms').replaceChildren(
    ...s.channels
      .filter((c) => c.kind === 'dm')
      .map((c) => item(`● ${c.name}`, view.pane === 'chat' && c.id === s.channel.id, () => go(c.id), 'dm-greenlight')),
  );
  $('open-outbox').classList.toggle('active', view.pane === 'outbox');

  const isDm = s.channels.find((c) => c.id === s.channel.id)?.kind === 'dm';
  $('channel-name').textContent =
    view.pane === 'outbox' ? 'Outbox — what the sandbox network published' : isDm ? 'Greenlight' : `# ${s.channel.name}`;
  const tabs = $('tabs');
  tabs.replaceChildren();
  if (isDm && view.pane === 'chat') {
    for (const [tab, label] of [
      ['home', 'Home'],
      ['messages', 'Messages'],
    ]) {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = label;
      b.dataset.testid = `tab-${tab}`;
      b.className = view.tab === tab ? 'active' : '';
      b.addEventListener('click', () => openTab(tab));
      tabs.append(b);
    }
  }
  const showHome = isDm && view.tab === 'home' && view.pane === 'chat';
  $('messages').hidden = view.pane !== 'chat' || showHome;
  $('home').hidden = !showHome;
  $('outbox').hidden = view.pane !== 'outbox';
  $('composer').hidden = view.pane !== 'chat' || showHome;
  $('composer-input').placeholder = isDm ? 'Message Greenlight — try /draft' : `Message #${s.channel.name} — try /draft`;

  const list = $('messages');
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  setHtml(
    list,
    s.channel.messages.map((m) => messageHtml(m, false)).join('') ||
      '<p class="sk-muted">Nothing here yet. Type <b>/draft</b> below to write a post.</p>',
  );
  if (atBottom) list.scrollTop = list.scrollHeight;
  setHtml($('home'), s.home ? s.home.html : '<p class="sk-muted">Greenlight has not published a Home tab for you yet.</p>');
  setHtml(
    $('outbox'),
    s.outbox.length
      ? s.outbox.map(outboxHtml).join('')
      : '<p class="sk-muted">Nothing published yet. Approve a post for the Sandbox network, then use ⏩ to publish it now.</p>',
  );

  $('thread').hidden = !s.thread;
  if (s.thread) setHtml($('thread-body'), messageHtml(s.thread.parent, true) + s.thread.replies.map((m) => messageHtml(m, true)).join(''));
  drawModal(s.modal);
}

/** What both chats share: the person switcher, the chat toggle, notices. */
function drawChrome(s) {
  const person = $('person');
  const people = JSON.stringify(s.people);
  if (person.dataset.people !== people) {
    person.replaceChildren(...s.people.map((p) => new Option(`${p.name} — ${p.role}`, p.id)));
    person.dataset.people = people;
  }
  person.value = s.me.id;
  $('me').textContent = `${s.me.tz}`;
  if (typeof s.teams === 'boolean') $('chat-slack').parentElement.hidden = !s.teams;
  document.body.classList.toggle('teams', view.chat === 'teams');
  $('chat-slack').classList.toggle('active', view.chat === 'slack');
  $('chat-teams').classList.toggle('active', view.chat === 'teams');
  $('teams-draft').hidden = view.chat !== 'teams';
  $('teams-messages').hidden = view.chat !== 'teams';
  for (const id of ['messages', 'home', 'outbox']) if (view.chat === 'teams') $(id).hidden = true;
  if (view.chat === 'teams') $('thread').hidden = true;
  for (const text of s.notices || [])
    if (!shownNotices.has(text)) {
      shownNotices.add(text);
      toast(text);
    }
}

function outboxHtml(p) {
  const images = p.images.length
    ? `<div class="meta">🖼 ${p.images.length} image${p.images.length === 1 ? '' : 's'}: ${p.images.map((i, n) => `#${n + 1} ${i.alt ? `“${escape(i.alt)}”` : 'no alt text'}`).join(' · ')}</div>`
    : '';
  return `<article class="outbox-post" data-testid="outbox-post"><div class="meta">Sandbox · ${p.postId ? `post #${p.postId} · ` : ''}publication ${p.publicationId} · ${new Date(p.at).toLocaleString()}</div><div class="text">${escape(p.text)}</div><div class="meta">${p.characters} characters</div>${images}</article>`;
}

/** Replaces an element's content only when it changed, so focus and scroll survive refreshes. */
function setHtml(el, html) {
  if (el.dataset.html !== html) {
    el.innerHTML = html;
    el.dataset.html = html;
  }
}

function drawModal(modal) {
  const layer = $('modal-layer');
  if (!modal) {
    layer.hidden = true;
    layer.dataset.viewId = '';
    return;
  }
  const body = $('modal-body');
  const sameView = layer.dataset.viewId === modal.viewId;
  const values = sameView ? collect(body) : null;
  const focus = sameView ? focused(body) : null;
  layer.hidden = false;
  layer.dataset.viewId = modal.viewId;
  $('modal-title').innerHTML =
    `${escape(modal.title)}${modal.depth > 1 ? `<span class="stack">${modal.depth} of ${modal.depth}</span>` : ''}`;
  $('modal-cancel').textContent = modal.depth > 1 ? 'Back' : modal.close;
  $('modal-submit').hidden = !modal.submit;
  $('modal-submit').textContent = modal.submit || '';
  if (body.dataset.html !== modal.html) {
    body.innerHTML = modal.html;
    body.dataset.html = modal.html;
    if (values) restore(body, values);
    if (focus) refocus(body, focus);
  }
}

const escape = (t) => String(t).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** What is entered in a modal, by block and action id, in the playground's shorthand. */
function collect(root) {
  const values = {};
  for (const input of root.querySelectorAll('[data-input-block]')) {
    const el = input.querySelector('[data-action-id]');
    if (!el) continue;
    const { blockId, actionId, type } = el.dataset;
    values[blockId] = { [actionId]: valueOf(el, type, blockId, actionId) };
  }
  return values;
}

function valueOf(el, type, blockId, actionId) {
  switch (type) {
    case 'plain_text_input':
    case 'url_text_input':
    case 'email_text_input':
    case 'number_input':
    case 'datepicker':
    case 'timepicker':
      return el.value === '' ? null : el.value;
    case 'static_select':
      return el.value === '' ? null : el.value;
    case 'multi_static_select':
      return [...el.selectedOptions].map((o) => o.value);
    case 'checkboxes':
      return [...el.querySelectorAll('input:checked')].map((i) => i.value);
    case 'radio_buttons':
      return el.querySelector('input:checked')?.value ?? null;
    case 'datetimepicker': {
      const [date, time] = el.querySelectorAll('input');
      return { date: date.value, time: time.value };
    }
    case 'file_input':
      return { type: 'file_input', files: uploads.get(`${$('modal-layer').dataset.viewId}/${blockId}/${actionId}`) || [] };
    default:
      return null;
  }
}

function restore(root, values) {
  for (const [blockId, byAction] of Object.entries(values)) {
    for (const [actionId, value] of Object.entries(byAction)) {
      const el = root.querySelector(`[data-block-id="${CSS.escape(blockId)}"][data-action-id="${CSS.escape(actionId)}"]`);
      if (!el || value === null || value === undefined) continue;
      const type = el.dataset.type;
      if (type === 'checkboxes' || type === 'radio_buttons')
        for (const i of el.querySelectorAll('input')) i.checked = [].concat(value).includes(i.value);
      else if (type === 'multi_static_select') for (const o of el.options) o.selected = value.includes(o.value);
      else if (type === 'datetimepicker') {
        const [d, t] = el.querySelectorAll('input');
        d.value = value.date;
        t.value = value.time;
      } else if (type === 'file_input') continue;
      else el.value = value;
    }
  }
}

function focused(root) {
  const el = document.activeElement;
  if (!el || !root.contains(el)) return null;
  const host = el.closest('[data-action-id]');
  return host && { blockId: host.dataset.blockId, actionId: host.dataset.actionId, start: el.selectionStart, end: el.selectionEnd };
}

function refocus(root, f) {
  const host = root.querySelector(`[data-block-id="${CSS.escape(f.blockId)}"][data-action-id="${CSS.escape(f.actionId)}"]`);
  const el = host && (host.matches('input, textarea, select') ? host : host.querySelector('input, textarea, select'));
  if (!el) return;
  el.focus();
  if (typeof f.start === 'number' && el.setSelectionRange) el.setSelectionRange(f.start, f.end);
}

function go(channel) {
  view.pane = 'chat';
  view.channel = channel;
  view.thread = '';
  view.tab = 'messages';
  refresh();
}

async function openTab(tab) {
  view.tab = tab;
  if (tab === 'home') await call('home', { user: view.user });
  refresh();
}

function confirmFirst(json) {
  if (!json) return Promise.resolve(true);
  const c = JSON.parse(json);
  return new Promise((resolve) => {
    $('confirm-title').textContent = c.title || 'Are you sure?';
    $('confirm-text').textContent = c.text || '';
    $('confirm-ok').textContent = c.confirm || 'Yes';
    $('confirm-ok').className = `sk-button${c.style === 'danger' ? ' sk-danger' : ' sk-primary'}`;
    $('confirm-deny').textContent = c.deny || 'Cancel';
    $('confirm-layer').hidden = false;
    const done = (answer) => {
      $('confirm-layer').hidden = true;
      $('confirm-ok').onclick = $('confirm-deny').onclick = null;
      resolve(answer);
    };
    $('confirm-ok').onclick = () => done(true);
    $('confirm-deny').onclick = () => done(false);
  });
}

/** Where an element sits: a message (channel + ts), the open modal, or the Home tab. */
function placeOf(el) {
  if (el.closest('#modal-body')) return { viewId: $('modal-layer').dataset.viewId, values: collect($('modal-body')) };
  if (el.closest('#home')) return { home: true };
  const msg = el.closest('.msg');
  return msg ? { channel: view.channel, ts: msg.dataset.ts } : null;
}

async function act(el, selected) {
  const place = placeOf(el);
  if (!place) return;
  await call('action', {
    user: view.user,
    actionId: el.dataset.actionId,
    blockId: el.dataset.blockId,
    ...(selected !== undefined ? { selected } : {}),
    ...place,
  });
}

document.addEventListener('click', async (event) => {
  const replies = event.target.closest('[data-thread]');
  if (replies) {
    view.thread = replies.dataset.thread;
    return refresh();
  }
  const button = event.target.closest('[data-act="button"]');
  if (!button) return;
  if (button.tagName === 'BUTTON') event.preventDefault();
  if (!(await confirmFirst(button.dataset.confirm))) return;
  await act(button);
});

document.addEventListener('change', async (event) => {
  const select = event.target.closest('[data-act="select"]');
  if (select) {
    const selected = select.multiple ? [...select.selectedOptions].map((o) => o.value) : select.value;
    if (select.classList.contains('sk-overflow')) select.value = '';
    if (selected === '') return;
    return act(select, selected);
  }
  const choices = event.target.closest('[data-act="choice"]');
  if (choices) {
    const checked = [...choices.querySelectorAll('input:checked')].map((i) => i.value);
    return act(choices, choices.dataset.type === 'checkboxes' ? checked : checked[0]);
  }
  const file = event.target.closest('[data-type="file_input"]');
  if (file) return upload(file, event.target.files);
  const dispatch = event.target.closest('[data-dispatch="true"]');
  if (dispatch && !dispatch.matches('input[type=text], textarea')) return act(dispatch, valueOf(dispatch, dispatch.dataset.type));
});

// Inputs with dispatch_action tell the app as the person types (Greenlight's live counts).
let typing;
document.addEventListener('input', (event) => {
  const el = event.target.closest('[data-dispatch="true"]');
  if (!el?.matches('input, textarea')) return;
  clearTimeout(typing);
  typing = setTimeout(() => act(el, el.value), 350);
});

async function upload(el, files) {
  const { blockId, actionId } = el.dataset;
  const key = `${$('modal-layer').dataset.viewId}/${blockId}/${actionId}`;
  const stored = [];
  for (const f of files) {
    const data = await new Promise((resolve) => {
      const r = new FileReader();
      r.onload = () => resolve(String(r.result).split(',')[1] || '');
      r.readAsDataURL(f);
    });
    const answer = await call('upload', { user: view.user, name: f.name, type: f.type, data });
    if (answer.file) stored.push(answer.file);
  }
  uploads.set(key, stored);
}

const isEmpty = (v) =>
  v === null ||
  v === '' ||
  (Array.isArray(v) && v.length === 0) ||
  (typeof v === 'object' && v.type === 'file_input' && v.files.length === 0) ||
  (typeof v === 'object' && !Array.isArray(v) && 'date' in v && (!v.date || !v.time));

/** Slack's client refuses a required input left empty before the app hears anything. */
function missingRequired(root) {
  let missing = false;
  for (const input of root.querySelectorAll('[data-input-block]:not([data-optional])')) {
    const el = input.querySelector('[data-action-id]');
    if (!el || !isEmpty(valueOf(el, el.dataset.type, el.dataset.blockId, el.dataset.actionId))) continue;
    missing = true;
    input.classList.add('sk-has-error');
    if (!input.querySelector('.sk-error'))
      input.insertAdjacentHTML('beforeend', '<div class="sk-error" role="alert">Please complete this required field.</div>');
  }
  return missing;
}

$('modal-submit').addEventListener('click', async () => {
  const viewId = $('modal-layer').dataset.viewId;
  const body = $('modal-body');
  if (missingRequired(body)) return;
  await call('submit', { user: view.user, viewId, values: collect(body) });
  refresh();
});
$('modal-cancel').addEventListener('click', async () => {
  await call('close', { user: view.user, viewId: $('modal-layer').dataset.viewId });
  refresh();
});
$('modal-x').addEventListener('click', async () => {
  // ✕ closes the whole stack, as in Slack.
  const depth = screen?.modal?.depth || 1;
  for (let i = 0; i < depth; i++) {
    await call('close', { user: view.user, viewId: $('modal-layer').dataset.viewId });
    await refresh();
    if ($('modal-layer').hidden) break;
  }
});
$('modal-body').addEventListener('submit', (e) => e.preventDefault());
$('close-thread').addEventListener('click', () => {
  view.thread = '';
  refresh();
});
$('person').addEventListener('change', (e) => {
  view.user = e.target.value;
  view.thread = '';
  view.tab = 'messages';
  refresh();
});
$('open-outbox').addEventListener('click', () => {
  view.chat = 'slack';
  view.pane = 'outbox';
  refresh();
});
$('publish-next').addEventListener('click', async () => {
  const answer = await call('publish-next', {});
  if (answer.said) toast(answer.said);
});
$('person-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const form = e.target;
  const answer = await call('people', { name: form.name.value, tz: form.tz.value, manager: form.manager.checked });
  $('person-error').textContent = answer.ok ? '' : answer.error || '';
  if (answer.ok) {
    form.reset();
    view.user = answer.id;
    refresh();
  }
});

// The composer: slash commands with their hints, as Slack offers them.
const input = $('composer-input');
input.addEventListener('input', showHints);
function showHints() {
  const text = input.value;
  const hints = $('hints');
  const teams = view.chat === 'teams';
  if ((!teams && !text.startsWith('/')) || !text || text.includes(' ')) {
    hints.hidden = true;
    return;
  }
  const matches = ((teams ? window.teamsView?.screen : screen)?.commands || []).filter((c) => c.command.startsWith(text));
  hints.hidden = matches.length === 0;
  hints.replaceChildren(
    ...matches.map((c) => {
      const li = document.createElement('li');
      li.innerHTML = `<b>${c.command}</b><span class="hint">${escape(c.hint)}</span> <span class="hint">${escape(c.description)}</span>`;
      li.addEventListener('click', () => {
        input.value = `${c.command} `;
        hints.hidden = true;
        input.focus();
      });
      return li;
    }),
  );
}
$('composer').addEventListener('submit', async (e) => {
  e.preventDefault();
  const text = input.value.trim();
  if (!text) return;
  $('hints').hidden = true;
  if (view.chat === 'teams') {
    input.value = '';
    await call('teams/message', { user: view.user, conversation: view.conversation, text });
    return refresh();
  }
  if (!text.startsWith('/')) {
    toast('Greenlight listens for slash commands here: try /draft, /queue or /digest.');
    return;
  }
  input.value = '';
  await call('command', { user: view.user, channel: view.channel, text });
  refresh();
});

for (const b of document.querySelectorAll('[data-chat]')) {
  b.addEventListener('click', () => {
    view.chat = b.dataset.chat;
    view.pane = 'chat';
    remember();
    refresh();
  });
}

// For the Teams view (teams-view.js): what it shares with this page.
window.playground = { view, call, toast, refresh, drawChrome, setHtml, escape };

const events = new EventSource('/playground/api/events');
events.addEventListener('changed', () => refresh());
// Both scripts (this one and teams-view.js) have run by then.
document.addEventListener('DOMContentLoaded', () => refresh());
