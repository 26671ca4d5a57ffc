// Editor page: plain JS. Every piece of data goes in via textContent (never innerHTML):
// names, titles and quotes come from uploaded books and may hold markup.
"use strict";

const TOKEN_KEY = "rp_editor_token", JOB_KEY = "rp_editor_job";
const state = { token: localStorage.getItem(TOKEN_KEY), stream: null, work: null };
const STAGES = { queued: "waiting for a free slot", ingest: "reading the file", chapters: "finding chapters",
                 roster: "finding characters", quotes: "attributing quotes", profiles: "building profiles and cards",
                 output: "writing the extraction", cards: "saving cards", done: "done" };

function show(section) {
  for (const id of ["signin", "home", "review"]) $(id).hidden = id !== section;
}

async function api(method, path, body) {
  try {
    return await callApi(state.token, method, path, body);
  } catch (e) {
    if (e.status === 401) signOut();
    throw e;
  }
}

// ---- sign in --------------------------------------------------------------

async function start() {
  if (!state.token) return showSignin("");
  try {
    const me = await api("GET", "/api/me");
    if (me.reader.role !== "editor" && me.reader.role !== "admin") {
      return showSignin("This token belongs to " + me.reader.name + ", who is not an editor; ask an admin.");
    }
    $("who").textContent = me.reader.name + " (" + me.reader.role + ")";
    $("signout").hidden = false;
    await showHome();
    const jobId = localStorage.getItem(JOB_KEY);
    if (jobId) follow(jobId);  // a reload while a job runs: keep watching it
  } catch (e) {
    showSignin(e.message);
  }
}

function showSignin(message) {
  show("signin");
  $("signin-error").textContent = message;
  $("token").focus();
}

function signOut() {
  localStorage.removeItem(TOKEN_KEY);
  state.token = null;
  $("who").textContent = "";
  $("signout").hidden = true;
}

$("signin-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  state.token = $("token").value.trim();
  localStorage.setItem(TOKEN_KEY, state.token);
  $("token").value = "";
  start();
});

$("signout").addEventListener("click", () => { signOut(); stopFollowing(); $("job").hidden = true; showSignin(""); });

// ---- works ------------------------------------------------------------------

async function showHome() {
  show("home");
  state.work = null;
  const { works } = await api("GET", "/api/works");
  const list = $("works");
  list.replaceChildren();
  $("works-empty").hidden = works.length > 0;
  for (const w of works) {
    const item = el("li", "work");
    const open = el("button", "work-open", w.title || w.id);
    open.type = "button";
    open.dataset.workId = w.id;
    open.addEventListener("click", () => openWork(w.id));
    const status = w.job ? w.job.status : "";
    const meta = w.ready ? `${w.id} · ${w.chapters} chapters · ${w.characters} characters · ${Object.keys(w.cards).length} cards`
                         : `${w.id} · not extracted yet`;
    item.append(open, el("span", "work-meta", meta + (status && status !== "done" ? " · last job " + status : "")));
    if (w.job && (w.job.status === "queued" || w.job.status === "running" || w.job.status === "interrupted")) {
      const watch = el("button", "work-job", "progress");
      watch.type = "button";
      watch.addEventListener("click", () => follow(w.job.id));
      item.append(watch);
    }
    list.append(item);
  }
}

$("upload-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  $("upload-error").textContent = "";
  const file = $("upload-file").files[0];
  if (!file) return;
  const limit = Number(document.body.dataset.maxBytes);
  if (file.size > limit) {
    $("upload-error").textContent = `The file is ${(file.size / 1048576).toFixed(1)} MiB; the limit is ${Math.round(limit / 1048576)} MiB. Split it into volumes and append them.`;
    return;
  }
  const params = new URLSearchParams();
  if ($("upload-work").value.trim()) params.set("work", $("upload-work").value.trim());
  if ($("upload-replace").checked) params.set("replace", "true");
  await upload("/api/works?" + params, file, "upload-error");
  $("upload-form").reset();
});

$("append-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  $("append-error").textContent = "";
  const file = $("append-file").files[0];
  if (file && state.work) await upload("/api/works/" + encodeURIComponent(state.work) + "/chapters", file, "append-error");
  $("append-form").reset();
});

async function upload(path, file, errorId) {
  const form = new FormData();
  form.append("file", file, file.name);
  try {
    const { job } = await api("POST", path, form);
    follow(job.id);
  } catch (e) {
    $(errorId).textContent = e.message;
  }
}

// ---- following a job (Server-Sent Events read with fetch, to send the token) --------

function stopFollowing() {
  if (state.stream) state.stream.abort();
  state.stream = null;
}

async function follow(jobId) {
  stopFollowing();
  const ctrl = new AbortController();
  state.stream = ctrl;
  localStorage.setItem(JOB_KEY, jobId);
  $("job").hidden = false;
  let last = null;
  try {
    const resp = await fetch("/api/jobs/" + encodeURIComponent(jobId) + "/events",
                             { headers: { Authorization: "Bearer " + state.token }, signal: ctrl.signal });
    if (!resp.ok) {
      const data = await resp.json().catch(() => ({}));
      throw new Error((data.error && data.error.message) || ("HTTP " + resp.status));
    }
    const reader = resp.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let cut;
      while ((cut = buffer.indexOf("\n\n")) >= 0) {
        const job = parseEvent(buffer.slice(0, cut));
        buffer = buffer.slice(cut + 2);
        if (job) { last = job; renderJob(job); }
      }
    }
  } catch (e) {
    if (ctrl.signal.aborted) return;
    $("job-error").textContent = e.message;
    localStorage.removeItem(JOB_KEY);
    return;
  }
  if (state.stream !== ctrl) return;
  state.stream = null;
  if (last && (last.status === "queued" || last.status === "running")) {
    setTimeout(() => follow(jobId), 2000);  // the server restarted mid-stream: reconnect
    return;
  }
  localStorage.removeItem(JOB_KEY);
  if (last && last.status === "done") {
    if (state.work === last.work_id || !$("home").hidden) await openWork(last.work_id);
  } else if (!$("home").hidden) {
    await showHome();
  }
}

function parseEvent(block) {
  let type = "message", data = "";
  for (const line of block.split("\n")) {
    if (line.startsWith("event:")) type = line.slice(6).trim();
    else if (line.startsWith("data:")) data += line.slice(5).trim();
  }
  return type === "job" && data ? JSON.parse(data) : null;
}

function renderJob(job) {
  const what = job.kind === "append" ? "Appending chapters to " : "Extracting ";
  $("job-title").textContent = what + job.work_id + " — " + job.file;
  const p = job.progress;
  $("job-bar").value = p.fraction;
  $("job-percent").textContent = Math.round(p.fraction * 100) + " %";
  const parts = [job.status === "running" ? (STAGES[p.stage] || p.stage) : job.status];
  if (job.status === "running" && p.total > 1) parts.push(p.done + "/" + p.total);
  if (job.status === "running" && p.chapter) parts.push("chapter " + p.chapter);
  if (job.status === "running" && p.eta_s !== null) parts.push("about " + formatSeconds(p.eta_s) + " left");
  if (job.status === "done" && job.result) {
    parts.push(job.result.chapters + " chapters, " + job.result.characters + " characters, " + job.result.cards.length + " cards");
  }
  $("job-status").textContent = parts.join(" · ");
  $("job-error").textContent = job.error ? job.error.message : "";
  const cancel = $("job-cancel");
  cancel.hidden = !(job.status === "queued" || job.status === "running") || p.stage === "cards";
  cancel.onclick = async () => {
    if (!confirm("Cancel this job? " + (job.kind === "append"
      ? "The work stays as it was before these chapters." : "Nothing of this extraction is kept."))) return;
    try { await api("POST", "/api/jobs/" + encodeURIComponent(job.id) + "/cancel"); }
    catch (e) { $("job-error").textContent = e.message; }
  };
  const resume = $("job-resume");
  resume.hidden = job.status !== "interrupted";
  resume.onclick = async () => {
    try { await api("POST", "/api/jobs/" + encodeURIComponent(job.id) + "/resume"); follow(job.id); }
    catch (e) { $("job-error").textContent = e.message; }
  };
}

function formatSeconds(s) {
  return s < 90 ? Math.round(s) + " s" : Math.round(s / 60) + " min";
}

// ---- review -------------------------------------------------------------------

async function openWork(workId) {
  const data = await api("GET", "/api/works/" + encodeURIComponent(workId));
  state.work = workId;
  show("review");
  const work = data.work, report = data.report;
  $("review-title").textContent = work.title || work.id;
  $("review-error").textContent = "";
  $("review-summary").textContent = report
    ? `${work.id} · ${report.language} · ${report.source} · ${report.chapters} chapters · ${report.quotes} quotes · ${report.roster.length} characters · ${Object.keys(work.cards).length} cards`
    : work.id + " · no finished extraction yet";
  $("changes-box").hidden = !(report && report.changes.length);
  $("changes").replaceChildren(...(report ? report.changes.map((c) => el("li", "", c)) : []));
  renderRoster(report ? report.roster : []);
  renderLow(report ? report.low_confidence : null);
  renderGlossary(report ? report.glossary : []);
  renderDrafts(data.drafts);
}

function renderDrafts(drafts) {
  $("publish-box").hidden = !drafts.length;
  const n = drafts.length, cards = n === 1 ? "card is a draft" : "cards are drafts";
  $("publish-text").textContent = `${n} ${cards}: readers cannot see or chat with them until ` +
    "you publish them. Review the roster below (the Chat links work for editors) first.";
  $("publish").textContent = `Publish ${n} ${n === 1 ? "card" : "cards"}`;
}

$("delete-work").addEventListener("click", async () => {
  const work = state.work;
  if (!confirm(`Delete ${work}? Its cards go too, and readers' chats with them end.`)) return;
  try {
    await api("DELETE", "/api/works/" + encodeURIComponent(work));
    state.work = null;
    await showHome();
  } catch (err) {
    $("review-error").textContent = err.message;
  }
});

$("publish").addEventListener("click", async () => {
  const button = $("publish");
  button.disabled = true;
  try {
    await api("POST", "/api/works/" + encodeURIComponent(state.work) + "/publish");
    await openWork(state.work);
  } catch (err) {
    $("publish-text").textContent = "Publishing failed: " + err.message;
  } finally {
    button.disabled = false;
  }
});

$("back").addEventListener("click", () => showHome());

function renderRoster(people) {
  const body = $("roster").querySelector("tbody");
  body.replaceChildren();
  for (const p of people) {
    const row = el("tr", "person");
    row.dataset.entity = p.id;
    const who = el("td");
    who.append(el("strong", "person-name", p.name));
    const aliases = p.aliases.filter((a) => a !== p.name);
    if (aliases.length) who.append(el("span", "aliases", "also: " + aliases.join(", ")));
    if (p.evidence.length) {
      const details = el("details", "evidence");
      details.append(el("summary", "", "why these were merged (" + p.evidence.length + ")"));
      const list = el("ul");
      for (const ev of p.evidence) {
        list.append(el("li", "", ev.alias + ": " + ev.rule + (ev.snippet ? " — “" + ev.snippet + "”" : "")));
      }
      details.append(list);
      who.append(details);
    }
    const card = el("td");
    if (p.card_id) {
      const link = el("a", "chat-link", "Chat");
      link.href = "/?card=" + encodeURIComponent(p.card_id);
      link.target = "_blank";
      link.rel = "noopener";
      card.append(link, el("span", "meta", " " + p.card_id + (p.draft ? " · draft" : "")));
    } else {
      card.append(el("span", "meta", "no card (fewer than 3 lines)"));
    }
    const span = p.first_chapter ? p.first_chapter + "–" + p.last_chapter : "";
    row.append(who, el("td", "", p.lines), el("td", "", span), card);
    body.append(row);
  }
}

function renderLow(low) {
  const list = $("low");
  list.replaceChildren();
  if (!low) { $("low-summary").textContent = ""; return; }
  $("low-summary").textContent = `${low.count} ${low.count === 1 ? "quote" : "quotes"} attributed with confidence below ${low.threshold}` +
    (low.count > low.quotes.length ? `; the first ${low.quotes.length}:` : (low.count ? ":" : "."));
  for (const q of low.quotes) {
    const item = el("li");
    item.append(el("span", "quote", "“" + q.text + "”"),
                el("span", "meta", ` — ${q.speaker || "unknown"} (${Number(q.confidence).toFixed(2)}, ${q.rule}), chapter ${q.chapter}`));
    list.append(item);
  }
}

function renderGlossary(terms) {
  const list = $("glossary");
  list.replaceChildren();
  for (const t of terms) {
    const item = el("li");
    item.append(el("strong", "term", t.name), el("span", "meta", ` ${t.kind}, chapter ${t.first_chapter}: `),
                el("span", "", t.definition));
    list.append(item);
  }
}

start();
