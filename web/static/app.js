// Reader client: plain JS, every piece of text goes in via textContent (never innerHTML).
"use strict";

// pending: request id -> the bubble being streamed; inflight: request id -> its chat id;
// sent: request id -> the text sent (offered back, and reportable, if moderation blocks it);
// reported: ids of messages this page has reported; blocked: the last blocked message.
const state = { token: localStorage.getItem("rp_token"), ws: null, ready: false, chat: null,
                pending: new Map(), inflight: new Map(), sent: new Map(), seq: 0,
                reported: new Set(), blocked: null };

function show(section) {
  for (const id of ["signin", "picker", "chat"]) $(id).hidden = id !== section;
}

// A reply being written in the open chat blocks sending (the server would refuse with
// "conflict"); so does a socket that is not authenticated yet.
function busy() {
  return !!state.chat && [...state.inflight.values()].includes(state.chat.id);
}

function updateComposer() {
  $("send").disabled = !state.ready || busy();
}

function isOpen(chatId) {
  return !!state.chat && state.chat.id === chatId;
}

function setStatus(text, isError) {
  $("status").textContent = text || "";
  $("status").classList.toggle("error", !!isError);
}

async function api(method, path, body) {
  try {
    return await callApi(state.token, method, path, body);
  } catch (e) {
    if (e.status === 401) { localStorage.removeItem("rp_token"); state.token = null; }
    throw e;
  }
}

// ---- sign in --------------------------------------------------------------

async function start() {
  if (state.token) {
    try {
      const me = await api("GET", "/api/me");
      $("who").textContent = me.reader.name;
      return showPicker();
    } catch (e) { /* token gone: sign in again */ }
  }
  show("signin");
  $("signin-name").focus();
}

$("signin-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  try {
    const data = await api("POST", "/api/readers", { name: $("signin-name").value });
    state.token = data.token;
    localStorage.setItem("rp_token", data.token);
    $("who").textContent = data.reader.name;
    await showPicker();
  } catch (e) { alert(e.message); }
});

// ---- picker ---------------------------------------------------------------

async function showPicker() {
  show("picker");
  const [{ cards }, { chats }] = await Promise.all([api("GET", "/api/cards"), api("GET", "/api/chats")]);
  const list = $("cards");
  list.replaceChildren();
  for (const card of cards) {
    const item = el("li", "card");
    const button = el("button", "card-pick");
    button.type = "button";
    button.dataset.cardId = card.id;
    const img = el("img");
    img.src = "/api/cards/" + encodeURIComponent(card.id) + "/avatar";
    img.alt = "";
    const work = (card.work || "") + (card.draft ? " · draft (editors only)" : "");
    button.append(img, el("strong", "card-name", card.name), el("span", "card-work", work),
                  el("p", "card-greeting", card.greeting));
    button.addEventListener("click", () => newChat(card));
    item.append(button);
    list.append(item);
  }
  const chatList = $("chats");
  chatList.replaceChildren();
  $("chats-title").hidden = chats.length === 0;
  for (const chat of chats) {
    const item = el("li");
    const button = el("button", "chat-open", chat.character_name + " · " + new Date(chat.updated_at * 1000).toLocaleString());
    button.type = "button";
    button.addEventListener("click", () => openChat(chat.id));
    item.append(button);
    chatList.append(item);
  }
  // /?card=<id> (the editor page links here): open a chat with that character, once.
  const wanted = new URLSearchParams(location.search).get("card");
  if (wanted) {
    history.replaceState(null, "", location.pathname);
    const card = cards.find((c) => c.id === wanted);
    if (card) await newChat(card);
    else setStatus(`No published character "${wanted}": it may still be a draft, which only ` +
                   "editors' accounts can open.", true);
  }
}

async function newChat(card) {
  const data = await api("POST", "/api/chats", { card_id: card.id });
  enterChat(data.chat, data.messages);
}

async function openChat(chatId) {
  const data = await api("GET", "/api/chats/" + encodeURIComponent(chatId));
  enterChat(data.chat, data.messages);
}

$("back").addEventListener("click", () => { state.chat = null; showPicker(); });

// ---- memories ---------------------------------------------------------------

async function loadMemories() {
  const list = $("memory-list");
  if (!state.chat) return;
  list.replaceChildren(el("li", "hint", "Loading…"));
  try {
    const q = "?history=false&card_id=" + encodeURIComponent(state.chat.card_id);
    const data = await api("GET", "/api/memories" + q);
    const facts = data.memories.filter((m) => m.kind !== "turn");
    list.replaceChildren();
    if (!facts.length) list.append(el("li", "hint", "Nothing yet: facts about you appear here as you talk."));
    for (const m of facts) {
      const item = el("li", "memory " + m.kind, m.text);
      item.dataset.id = m.id;
      const forget = el("button", "forget", "forget");
      forget.type = "button";
      forget.addEventListener("click", async () => {
        try { await api("DELETE", "/api/memories/" + encodeURIComponent(m.id)); item.remove(); }
        catch (e) { setStatus(e.message, true); }
      });
      item.append(" ", forget);
      list.append(item);
    }
  } catch (e) {
    list.replaceChildren(el("li", "hint", e.message));
  }
}

$("memories").addEventListener("toggle", () => { if ($("memories").open) loadMemories(); });

$("memories-forget-all").addEventListener("click", async () => {
  if (!state.chat || !confirm("Forget everything " + state.chat.character_name + " remembers about you?")) return;
  try {
    const q = "?confirm=true&card_id=" + encodeURIComponent(state.chat.card_id);
    const data = await api("DELETE", "/api/memories" + q);
    setStatus(data.deleted + " memories forgotten.");
    loadMemories();
  } catch (e) { setStatus(e.message, true); }
});

$("memories-export").addEventListener("click", async () => {
  try {
    const data = await api("GET", "/api/memories/export");
    const blob = new Blob([JSON.stringify(data, null, 2)], { type: "application/json" });
    const link = el("a");
    link.href = URL.createObjectURL(blob);
    link.download = "memories.json";
    link.click();
    URL.revokeObjectURL(link.href);
  } catch (e) { setStatus(e.message, true); }
});

// ---- chat -----------------------------------------------------------------

function enterChat(chat, messages) {
  state.chat = chat;
  show("chat");
  $("chat-name").textContent = chat.character_name;
  $("memories-name").textContent = chat.character_name;
  $("memories").open = false;
  $("chapter").value = chat.chapter === null ? "" : chat.chapter;
  $("messages").replaceChildren();
  hideBlocked();
  for (const m of messages) renderMessage(m);
  setStatus(busy() ? chat.character_name + " is replying…" : "");
  updateComposer();
  connect();
  $("input").focus();
}

function renderMessage(m) {
  if (!isOpen(m.chat_id)) return null;  // a frame about a chat the reader has left
  let item = document.querySelector(`li[data-id="${CSS.escape(m.id)}"]`);
  if (!item) {
    item = el("li", "msg");
    item.dataset.id = m.id;
    item.append(el("span", "who"), el("div", "text"), el("div", "tools"));
    $("messages").append(item);
  }
  item.className = "msg " + m.speaker + " " + m.status;
  item.querySelector(".who").textContent = m.name;
  renderText(item.querySelector(".text"), m.content);
  const tools = item.querySelector(".tools");
  tools.replaceChildren();
  if (m.swipes.length > 1) {
    const prev = el("button", "swipe-prev", "‹"), next = el("button", "swipe-next", "›");
    prev.disabled = m.swipe_index === 0;
    next.disabled = m.swipe_index >= m.swipes.length - 1;
    prev.addEventListener("click", () => pickSwipe(m, m.swipe_index - 1));
    next.addEventListener("click", () => pickSwipe(m, m.swipe_index + 1));
    tools.append(prev, el("span", "swipe-pos", (m.swipe_index + 1) + "/" + m.swipes.length), next);
  }
  if (m.status === "incomplete" || m.status === "blocked") tools.append(el("span", "note", m.status === "blocked" ? "withheld" : "incomplete"));
  if (m.speaker === "character") {
    const regen = el("button", "regen", "↻");
    regen.title = "Write another version";
    regen.addEventListener("click", () => sendFrame({ type: "regenerate" }));
    tools.append(regen);
    const report = reportTools(m);
    if (report) tools.append(report);
  }
  item.scrollIntoView({ block: "end" });
  return item;
}

// ---- reports: out of character, unsafe, "this was fine" ------------------------

// Role-play convention: *narration or actions* between asterisks shows in italics. Built
// from text nodes and <em> elements, so the content is never parsed as markup.
function renderText(node, content) {
  node.replaceChildren();
  let last = 0;
  for (const match of content.matchAll(/\*([^*\n][^*]*?)\*/g)) {
    node.append(content.slice(last, match.index), el("em", "action", match[1]));
    last = match.index + match[0].length;
  }
  node.append(content.slice(last));
}

function reportTools(m) {
  if (state.reported.has(reportKey(m))) return el("span", "note reported", "reported");
  if (m.status === "streaming") return null;
  if (m.status === "blocked") {
    const fine = el("button", "report-fine", "this was fine");
    fine.type = "button";
    fine.title = "Ask an editor to look at this block";
    fine.addEventListener("click", () => report(fine, m, "false_positive", ""));
    return fine;
  }
  const menu = el("details", "report");
  const note = el("input", "report-note");
  note.placeholder = "what is wrong? (optional)";
  note.maxLength = 500;
  const ooc = el("button", "report-ooc", "out of character");
  const unsafe = el("button", "report-unsafe", "unsafe");
  for (const b of [ooc, unsafe]) b.type = "button";
  ooc.addEventListener("click", () => report(menu, m, "out_of_character", note.value));
  unsafe.addEventListener("click", () => report(menu, m, "unsafe", note.value));
  menu.append(el("summary", null, "report"), note, ooc, unsafe);
  return menu;
}

// A regenerated reply keeps its message id: each version is reported on its own.
function reportKey(m) {
  return m.id + ":" + m.swipe_index;
}

async function report(control, m, kind, note) {
  const chatId = state.chat.id;
  const path = `/api/chats/${encodeURIComponent(chatId)}/messages/${encodeURIComponent(m.id)}/report`;
  try {
    let said = "Reported; an editor will look at it. Thank you.";
    if (kind === "out_of_character") {
      const data = await api("POST", path, { reason: kind, note });
      const kinds = [...new Set(data.findings.map((f) => f.kind.replaceAll("_", " ")))];
      if (kinds.length) said = "Reported. The checker also sees: " + kinds.join(", ") + ".";
    } else {
      await api("POST", "/api/moderation/report", { kind, chat_id: chatId, message_id: m.id, note });
    }
    state.reported.add(reportKey(m));
    control.replaceWith(el("span", "note reported", "reported"));
    setStatus(said);
  } catch (e) { setStatus(e.message, true); }
}

// A blocked message of the reader's is never stored: offer its text back to rephrase,
// and a way to tell an editor the block was wrong.
function showBlocked(chatId, text) {
  state.blocked = { chatId, text };
  $("blocked-note").hidden = false;
  if (!$("input").value) $("input").value = text;
}

function hideBlocked() {
  state.blocked = null;
  $("blocked-note").hidden = true;
}

$("report-blocked").addEventListener("click", async () => {
  const blocked = state.blocked;
  if (!blocked) return;
  try {
    await api("POST", "/api/moderation/report", { kind: "false_positive", chat_id: blocked.chatId, text: blocked.text });
    hideBlocked();
    setStatus("Sent to an editor; thank you. You can rephrase meanwhile.");
  } catch (e) { setStatus(e.message, true); }
});

async function pickSwipe(m, index) {
  const data = await api("PATCH", `/api/chats/${encodeURIComponent(state.chat.id)}/messages/${encodeURIComponent(m.id)}`, { swipe_index: index });
  renderMessage(data.message);
}

$("chapter").addEventListener("change", async () => {
  const value = $("chapter").value === "" ? null : Number($("chapter").value);
  try {
    const data = await api("PATCH", "/api/chats/" + encodeURIComponent(state.chat.id), { chapter: value });
    state.chat = data.chat;
    setStatus(value === null ? "No chapter limit." : "No spoilers after chapter " + value + ".");
  } catch (e) { setStatus(e.message, true); }
});

function connect() {
  if (state.ws && state.ws.readyState <= 1) return;
  if (!state.ready) setStatus("Connecting…");
  const ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws");
  state.ws = ws;
  ws.addEventListener("open", () => ws.send(JSON.stringify({ type: "auth", token: state.token })));
  ws.addEventListener("message", (ev) => onFrame(JSON.parse(ev.data)));
  ws.addEventListener("close", () => {
    state.ws = null;
    state.ready = false;
    state.pending.clear();
    state.inflight.clear();  // the server stops (and stores as incomplete) this socket's replies
    updateComposer();
    if (state.chat) { setStatus("Disconnected; reconnecting…"); setTimeout(connect, 1500); }
  });
}

function sendFrame(frame) {
  if (!state.ws || state.ws.readyState !== 1 || !state.ready) { setStatus("Not connected yet; try again in a moment.", true); return; }
  if (busy()) { setStatus(state.chat.character_name + " is still replying; wait for it to finish.", true); return; }
  const id = "r" + (++state.seq);
  state.ws.send(JSON.stringify({ ...frame, id, chat_id: state.chat.id }));
  state.inflight.set(id, state.chat.id);
  if (frame.type === "send") { state.sent.set(id, frame.text); hideBlocked(); }
  updateComposer();
  setStatus("…");
  return id;
}

function onFrame(f) {
  if (f.type === "ready") { state.ready = true; updateComposer(); setStatus(""); return; }
  if (f.type === "accepted") { renderMessage(f.message); return; }
  if (f.type === "start") {
    const item = renderMessage(f.message);
    if (item) { state.pending.set(f.id, item); setStatus(state.chat.character_name + " is replying…"); }
    return;
  }
  if (f.type === "chunk") {
    const item = state.pending.get(f.id);
    if (item) item.querySelector(".text").textContent += f.text;
    if (item) item.scrollIntoView({ block: "end" });
    return;
  }
  if (f.type === "restart") {
    // The reply broke character; it is being rewritten: drop what was shown.
    const item = state.pending.get(f.id);
    if (item) item.querySelector(".text").textContent = "";
    setStatus(state.chat.character_name + " is rephrasing…");
    return;
  }
  if (f.type === "done") {
    state.sent.delete(f.id);
    state.pending.delete(f.id);
    state.inflight.delete(f.id);
    if (renderMessage(f.message)) setStatus("");
    updateComposer();
    return;
  }
  if (f.type === "error") {
    const chatId = f.id ? state.inflight.get(f.id) : undefined;
    const text = f.id ? state.sent.get(f.id) : undefined;
    if (f.id) { state.pending.delete(f.id); state.inflight.delete(f.id); state.sent.delete(f.id); }
    updateComposer();
    if (chatId === undefined || isOpen(chatId)) setStatus(f.message, true);
    if (f.code === "blocked" && text !== undefined && isOpen(chatId)) showBlocked(chatId, text);
    // A reply cut off by an error is stored as incomplete: show it that way at once.
    const cut = f.message_id && document.querySelector(`li[data-id="${CSS.escape(f.message_id)}"]`);
    if (cut) { cut.classList.remove("streaming"); cut.classList.add("incomplete"); }
    if (f.code === "unauthorized") { localStorage.removeItem("rp_token"); state.token = null; state.chat = null; start(); }
  }
}

$("composer").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const text = $("input").value.trim();
  if (!text) return;
  // Enter calls requestSubmit(), which ignores the disabled Send button: sendFrame checks
  // again and returns nothing when it cannot send, and then the text stays in the box.
  if (sendFrame({ type: "send", text })) $("input").value = "";
});

$("input").addEventListener("keydown", (ev) => {
  if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) { ev.preventDefault(); $("composer").requestSubmit(); }
});

start();
