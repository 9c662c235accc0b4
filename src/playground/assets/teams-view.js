// The playground's Teams view: Greenlight's Teams messages and Adaptive Cards, drawn with
// Microsoft's own renderer (adaptivecards, served by Greenlight), in a Teams-like frame. Card
// clicks, dialogs and messages go to the playground, which sends them to Greenlight as the
// activities Teams posts. Loaded with the page; the renderer is fetched the first time.
'use strict';

(() => {
  const $ = (id) => document.getElementById(id);
  const pg = () => window.playground;
  let renderer = null;
  const refreshed = new Set(); // `${user}/${messageId}/${cardJson.length}`: Teams' automatic refresh, once per version

  function loadRenderer() {
    renderer ??= new Promise((resolve, reject) => {
      const script = document.createElement('script');
      script.src = '/playground/assets/adaptivecards.js';
      script.onload = () => {
        // Teams draws card text as a small Markdown; Greenlight escapes people's text with backslashes.
        window.AdaptiveCards.AdaptiveCard.onProcessMarkdown = (text, result) => {
          result.outputHtml = markdown(text);
          result.didProcess = true;
        };
        resolve(window.AdaptiveCards);
      };
      script.onerror = reject;
      document.head.append(script);
    });
    return renderer;
  }

  function markdown(text) {
    const slots = [];
    let s = String(text).replace(/\\([\\`*_{}[\]()#+\-.!>~|])/g, (_, c) => `\u0000${slots.push(c) - 1}\u0000`);
    s = pg().escape(s);
    s = s.replace(/\[([^\]]+)\]\((https?:[^)\s]+)\)/g, (_, t, u) => `<a href="${u}" target="_blank" rel="noopener noreferrer">${t}</a>`);
    s = s.replace(/\*\*([^*]+)\*\*/g, '<b>$1</b>').replace(/(^|[^\w])_([^_\n]+)_(?=$|[^\w])/g, '$1<i>$2</i>');
    s = s.replace(/\n/g, '<br>');
    return s.replace(/\u0000(\d+)\u0000/g, (_, i) => pg().escape(slots[Number(i)]));
  }

  /** Renders a card; `onAction(action)` gets Execute, Submit and OpenUrl actions. */
  function renderCard(AC, json, onAction) {
    const card = new AC.AdaptiveCard();
    card.parse(json);
    card.onExecuteAction = onAction;
    return card.render();
  }

  function messageHtml(m, mine) {
    const text = m.text ? `<div class="text">${markdown(m.text)}</div>` : '';
    const replies = m.replies
      ? `<button type="button" class="replies" data-teams-thread="${m.id}">${m.replies} repl${m.replies === 1 ? 'y' : 'ies'}</button>`
      : '';
    return `<article class="tm${mine ? ' mine' : ''}" data-message-id="${m.id}"><span class="who">${pg().escape(m.author)}</span><span class="when">${m.time}${m.edited ? ' · Edited' : ''}</span>${text}${m.card ? '<div class="card-host"></div>' : ''}${replies}</article>`;
  }

  async function act(action, where) {
    const { view, call } = pg();
    const AC = window.AdaptiveCards;
    if (action instanceof AC.OpenUrlAction) return void window.open(action.url, '_blank', 'noopener');
    const data = action.data ?? {};
    if (action instanceof AC.ExecuteAction) {
      await call('teams/execute', {
        user: view.user,
        conversation: view.conversation,
        messageId: where.messageId,
        verb: action.verb,
        data,
      });
    } else if (action instanceof AC.SubmitAction) {
      if (where.dialog)
        await call('teams/task', {
          user: view.user,
          conversation: where.dialog.conversation,
          name: 'task/submit',
          kind: where.dialog.kind,
          data,
        });
      else if (data?.msteams?.type === 'task/fetch')
        await call('teams/task', { user: view.user, conversation: view.conversation, name: 'task/fetch', kind: 'task', data });
      else pg().toast('This button sends a message Teams would show in the chat; the playground does not send those.');
    }
    pg().refresh();
  }

  async function draw(s) {
    const { view, drawChrome } = pg();
    if (view.user && s.me.id !== view.user && s.people.some((p) => p.id === view.user)) return;
    api.screen = s;
    view.user = s.me.id;
    view.conversation = s.conversation.id;
    drawChrome(s);
    const AC = await loadRenderer();
    const item = (c) => {
      const li = document.createElement('li');
      const b = document.createElement('button');
      b.type = 'button';
      b.className = `nav-item${c.id === s.conversation.id ? ' active' : ''}`;
      b.textContent = c.kind === 'channel' ? `# ${c.name}` : `● ${c.name}`;
      b.dataset.testid = `teams-${c.kind}-${c.name.toLowerCase().replace(/\s+/g, '-')}`;
      b.addEventListener('click', () => {
        view.conversation = c.id;
        view.teamsThread = '';
        pg().refresh();
      });
      li.append(b);
      return li;
    };
    $('channels').replaceChildren(...s.conversations.filter((c) => c.kind === 'channel').map(item));
    $('dms').replaceChildren(...s.conversations.filter((c) => c.kind === 'chat').map(item));
    $('channel-name').textContent = s.conversation.kind === 'channel' ? `Marketing › ${s.conversation.name}` : 'Greenlight';
    $('tabs').replaceChildren();
    $('composer').hidden = false;
    $('composer-input').placeholder =
      s.conversation.kind === 'channel'
        ? 'Message the channel, mentioning Greenlight (e.g. queue)'
        : 'Type a message (draft, queue, digest, help)';

    const list = $('teams-messages');
    const html = s.messages.map((m) => messageHtml(m, m.author === s.me.name)).join('') || '<p class="sk-muted">No messages yet.</p>';
    const cards = JSON.stringify(s.messages.map((m) => [m.id, m.card]));
    if (list.dataset.html !== html || list.dataset.cards !== cards) {
      const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
      // Cards are drawn into fresh hosts: never onto what an earlier draw left.
      list.innerHTML = html;
      list.dataset.html = html;
      list.dataset.cards = cards;
      for (const m of s.messages) {
        if (!m.card) continue;
        const host = list.querySelector(`[data-message-id="${m.id}"] .card-host`);
        host.append(renderCard(AC, m.card, (action) => act(action, { messageId: m.id })));
      }
      if (atBottom) list.scrollTop = list.scrollHeight;
    }
    // Teams refreshes a card for the people it lists, by itself: approvers get their buttons.
    for (const m of s.messages) {
      const key = `${s.me.id}/${m.id}/${JSON.stringify(m.card).length}`;
      if (!m.refreshFor || refreshed.has(key)) continue;
      refreshed.add(key);
      const action = m.card.refresh.action;
      pg()
        .call('teams/execute', {
          user: s.me.id,
          conversation: s.conversation.id,
          messageId: m.id,
          verb: action.verb,
          data: action.data ?? {},
          trigger: 'automatic',
        })
        .then(() => pg().refresh());
    }
    drawThread(AC, s);
    drawDialog(AC, s.dialog);
  }

  function drawThread(AC, s) {
    const pane = $('thread');
    if (!s.thread) {
      pane.hidden = true;
      return;
    }
    pane.hidden = false;
    const body = $('thread-body');
    body.innerHTML = [s.thread.root, ...s.thread.replies].map((m) => messageHtml(m, false)).join('');
    for (const m of [s.thread.root, ...s.thread.replies]) {
      if (!m.card) continue;
      body
        .querySelector(`[data-message-id="${m.id}"] .card-host`)
        .append(renderCard(AC, m.card, (action) => act(action, { messageId: m.id })));
    }
  }

  function drawDialog(AC, dialog) {
    const layer = $('teams-dialog-layer');
    if (!dialog) {
      layer.hidden = true;
      layer.dataset.card = '';
      return;
    }
    const json = JSON.stringify(dialog.card);
    if (layer.dataset.card === json && !layer.hidden) return;
    layer.dataset.card = json;
    layer.hidden = false;
    $('teams-dialog-title').textContent = dialog.title;
    $('teams-dialog-body').replaceChildren(renderCard(AC, dialog.card, (action) => act(action, { dialog })));
  }

  document.addEventListener('click', (event) => {
    const replies = event.target.closest('[data-teams-thread]');
    if (replies) {
      pg().view.teamsThread = replies.dataset.teamsThread;
      pg().refresh();
    }
  });
  $('teams-dialog-x').addEventListener('click', async () => {
    await pg().call('teams/close-dialog', { user: pg().view.user });
    pg().refresh();
  });
  $('teams-draft').addEventListener('click', async () => {
    await pg().call('teams/draft', { user: pg().view.user, conversation: pg().view.conversation });
    pg().refresh();
  });
  $('close-thread').addEventListener('click', () => {
    if (pg().view.chat === 'teams') {
      pg().view.teamsThread = '';
      pg().refresh();
    }
  });

  const api = { draw, screen: null };
  window.teamsView = api;
})();
