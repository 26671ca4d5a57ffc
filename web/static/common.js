// Shared by the reader, editor and review pages (loaded before each page's script):
// plain DOM helpers and the JSON API call. Text always goes in via textContent.
"use strict";

const $ = (id) => document.getElementById(id);

function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

// One API call: a FormData body goes as is, any other as JSON; an error response
// becomes an Error carrying the server's message and the HTTP status.
async function callApi(token, method, path, body) {
  const headers = {};
  if (token) headers.Authorization = "Bearer " + token;
  let payload = body;
  if (body !== undefined && !(body instanceof FormData)) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  const resp = await fetch(path, { method, headers, body: payload });
  if (resp.status === 204) return null;
  const data = await resp.json().catch(() => ({}));
  if (!resp.ok) {
    const error = new Error((data.error && data.error.message) || ("HTTP " + resp.status));
    error.status = resp.status;
    throw error;
  }
  return data;
}
