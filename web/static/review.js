// Editors' review page: plain JS. Everything shown here was written by readers or the
// model, so every piece of it goes in via textContent (never innerHTML).
"use strict";

const TOKEN_KEY = "rp_editor_token";
const state = { token: localStorage.getItem(TOKEN_KEY) };

const MODERATION_DECISIONS = [
  ["confirmed", "confirmed: unsafe"],
  ["false_positive", "false positive: it was fine"],
  ["dismissed", "dismissed"],
];
const PERSONA_DECISIONS = [
  ["confirmed", "confirmed: out of character"],
  ["card_fixed", "card fixed"],
  ["dismissed", "dismissed"],
];

function show(section) {
  for (const id of ["signin", "desk"]) $(id).hidden = id !== section;
  $("signout").hidden = section !== "desk";
}

function setStatus(text, isError) {
  $("status").textContent = text || "";
  $("status").classList.toggle("error", !!isError);
}

const api = (method, path, body) => callApi(state.token, method, path, body);

function when(seconds) {
  return seconds ? new Date(seconds * 1000).toLocaleString() : "";
}

// ---- sign in ----------------------------------------------------------------

async function start() {
  if (!state.token) return showSignin("");
  try {
    const me = await api("GET", "/api/me");
    if (me.reader.role !== "editor" && me.reader.role !== "admin") {
      return showSignin(me.reader.name + " is a reader; this page needs an editor or admin token.");
    }
    $("who").textContent = me.reader.name + " (" + me.reader.role + ")";
    show("desk");
    await load();
  } catch (e) {
    showSignin(e.status === 401 ? "That token is not valid (any more)." : e.message);
  }
}

function showSignin(message) {
  show("signin");
  $("signin-error").textContent = message || "";
  $("token").focus();
}

$("signin-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  state.token = $("token").value.trim();
  localStorage.setItem(TOKEN_KEY, state.token);
  $("token").value = "";
  start();
});

$("signout").addEventListener("click", () => {
  localStorage.removeItem(TOKEN_KEY);
  state.token = null;
  $("who").textContent = "";
  showSignin("");
});

$("refresh").addEventListener("click", () => load());

// ---- the queues -----------------------------------------------------------------

async function load() {
  setStatus("Loading…");
  try {
    const [stats, mod, persona] = await Promise.all([
      api("GET", "/api/moderation/stats"),
      api("GET", "/api/moderation/review?limit=100"),
      api("GET", "/api/reviews/persona?limit=100"),
    ]);
    renderStats(stats);
    renderList("mod", mod, moderationItem);
    renderList("persona", persona, personaItem);
    setStatus("");
  } catch (e) {
    setStatus(e.message, true);
  }
}

function renderStats(stats) {
  $("stats-open").textContent = stats.open + " moderation and " + stats.persona_open +
    " persona items open.";
  $("mod-count").textContent = "(" + stats.open + " open)";
  $("persona-count").textContent = "(" + stats.persona_open + " open)";
  const list = $("stats-categories");
  list.replaceChildren();
  const counts = Object.entries(stats.categories).sort((a, b) => b[1] - a[1]);
  for (const [name, count] of counts) {
    const item = el("li", "stat");
    item.append(el("span", "stat-name", name), el("span", "stat-count", count));
    list.append(item);
  }
}

function renderList(prefix, data, render) {
  const list = $(prefix + "-items");
  list.replaceChildren(...data.items.map(render));
  $(prefix + "-empty").hidden = data.items.length > 0;
}

function field(label, value, cls) {
  const row = el("div", "field" + (cls ? " " + cls : ""));
  row.append(el("span", "label", label), el("span", "value", value));
  return row;
}

function moderationItem(item) {
  const li = el("li", "item moderation " + item.kind);
  li.dataset.id = item.id;
  const head = el("div", "item-head");
  head.append(el("strong", "kind", item.kind.replace("_", " ")), el("span", "role", item.role),
              el("span", "time", when(item.created)));
  li.append(head, el("pre", "text", item.text));
  if (item.categories.length) li.append(field("categories", item.categories.join(", "), "categories"));
  const scores = Object.entries(item.scores).filter(([, s]) => s > 0).sort((a, b) => b[1] - a[1]);
  if (scores.length) {
    const table = el("table", "scores");
    for (const [name, score] of scores.slice(0, 6)) {
      const row = el("tr");
      row.append(el("td", "score-name", name), el("td", "score", Number(score).toFixed(2)));
      table.append(row);
    }
    li.append(table);
  }
  if (item.reason) li.append(field("reason", item.reason, "reason"));
  if (item.note) li.append(field("reader's note", item.note, "note"));
  li.append(field("where", [item.work_id && "work " + item.work_id, item.card_id && "card " + item.card_id,
    item.chat_id && "chat " + item.chat_id, item.message_id && "message " + item.message_id,
    item.reader_id && "reader " + item.reader_id].filter(Boolean).join(" · "), "where"));
  li.append(resolveForm(MODERATION_DECISIONS, (decision, note) =>
    api("POST", "/api/moderation/review/" + encodeURIComponent(item.id) + "/resolve", { decision, note })));
  return li;
}

function personaItem(item) {
  const li = el("li", "item persona " + item.source);
  li.dataset.id = item.id;
  const head = el("div", "item-head");
  head.append(el("strong", "kind", item.source === "reader" ? "reader report" : "checker flag"),
              el("span", "character", item.character_name),
              el("span", "time", when(Date.parse(item.created_at) / 1000)));
  li.append(head);
  if (item.reader) {
    li.append(field("reader says", item.reader.reason.replaceAll("_", " "), "reason"));
    if (item.reader.note) li.append(field("reader's note", item.reader.note, "note"));
  }
  if (item.action) li.append(field("engine did", item.action.replace("_", " "), "action"));
  if (item.user_message) li.append(field("reader wrote", item.user_message, "user-message"));
  item.attempts.forEach((attempt, i) => li.append(attemptBlock(attempt, i, item.attempts.length)));
  li.append(field("where", ["card " + item.card_id + (item.card_version ? "@" + item.card_version : ""),
    item.chapter === null ? "all chapters" : "chapter " + item.chapter,
    "chat " + item.chat_id, "message " + item.message_id].join(" · "), "where"));
  li.append(resolveForm(PERSONA_DECISIONS, (decision, note) =>
    api("POST", "/api/reviews/persona/" + encodeURIComponent(item.id) + "/resolve", { decision, note })));
  return li;
}

function attemptBlock(attempt, index, total) {
  const box = el("div", "attempt");
  if (total > 1) box.append(el("span", "label", index === 0 ? "first reply" : "regenerated reply"));
  box.append(el("pre", "text", attempt.text));
  const findings = el("ul", "findings");
  for (const f of attempt.findings) {
    const li = el("li", "finding");
    li.append(el("strong", "finding-kind", f.kind.replaceAll("_", " ")),
              el("q", "evidence", f.evidence), el("span", "detail", f.detail));
    if (f.source) li.append(field("conflicts with", f.source, "source"));
    const extra = [f.chapter !== null && f.chapter !== undefined && "chapter " + f.chapter,
      f.score !== null && f.score !== undefined && "score " + Number(f.score).toFixed(2),
      f.checker && "by " + f.checker].filter(Boolean).join(" · ");
    if (extra) li.append(el("span", "finding-meta", extra));
    findings.append(li);
  }
  if (!attempt.findings.length) findings.append(el("li", "finding none", "the checker finds nothing wrong"));
  box.append(findings);
  return box;
}

function resolveForm(decisions, send) {
  const form = el("form", "resolve");
  const select = el("select", "decision");
  for (const [value, label] of decisions) {
    const option = el("option", null, label);
    option.value = value;
    select.append(option);
  }
  const note = el("input", "resolve-note");
  note.placeholder = "note (optional)";
  note.maxLength = 1000;
  const button = el("button", "resolve-button", "Resolve");
  button.type = "submit";
  form.append(select, note, button);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    button.disabled = true;
    try {
      await send(select.value, note.value);
      const item = form.closest("li.item");
      const done = el("p", "resolved", "Resolved: " + select.options[select.selectedIndex].textContent);
      form.replaceWith(done);
      item.classList.add("done");
      const stats = await api("GET", "/api/moderation/stats");
      renderStats(stats);
    } catch (e) {
      button.disabled = false;
      setStatus(e.message, true);
    }
  });
  return form;
}

start();
