// Notification subscriptions (admin only: a webhook URL, a Slack one above
// all, is itself a credential, so the API refuses readers). The HMAC
// secret is write-only: the API never returns it, except once in the
// answer to the create that generated it.
import { useState } from "preact/hooks";
import { api } from "./api.js";
import { html, useLoad, ErrorNote, Loading, fmtTime, ago, Pager } from "./util.js";

const EVENTS = [
  ["image.findings_added", "An image gains findings"],
  ["image.findings_removed", "An image loses findings"],
  ["image.entered_kev", "Findings enter CISA KEV"],
  ["scan.failed", "A scan fails for good"],
  ["crawl.failed", "A registry crawl fails"],
  ["admission.denied", "Admission denies a workload"],
];
const MIN_SEVERITIES = ["", "CRITICAL", "HIGH", "MEDIUM", "LOW", "NEGLIGIBLE"];
const DELIVERIES_PAGE = 20;
// The API lists at most this many deliveries (store.MaxAuditList).
const DELIVERIES_MAX = 1000;

function SubscriptionForm({ onDone, onCancel }) {
  const [v, setV] = useState({ url: "", name: "", format: "json", min_severity: "", events: [], secret: "" });
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = (k) => (e) => setV({ ...v, [k]: e.currentTarget.value });
  const toggle = (ev) => (e) => setV({ ...v, events: e.currentTarget.checked ? [...v.events, ev] : v.events.filter((x) => x !== ev) });
  async function submit(e) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const body = {
      url: v.url.trim(),
      name: v.name.trim() || undefined,
      format: v.format,
      min_severity: v.min_severity || undefined,
      events: v.events.length ? v.events : undefined,
      secret: v.secret || undefined,
    };
    try {
      onDone(await api("/api/v1/subscriptions", { method: "POST", body }));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }
  return html`<form class="card form" onSubmit=${submit} aria-labelledby="subform-title" data-testid="subscription-form">
    <h2 id="subform-title">Add a subscription</h2>
    <div class="grid">
      <div class="field wide">
        <label for="sub-url">Webhook URL</label>
        <input id="sub-url" type="url" required placeholder="https://hooks.example/scanfleet" value=${v.url} onInput=${set("url")} autocomplete="off" />
      </div>
      <div class="field">
        <label for="sub-name">Name</label>
        <input id="sub-name" placeholder="security team" value=${v.name} onInput=${set("name")} />
      </div>
      <div class="field">
        <label for="sub-format">Format</label>
        <select id="sub-format" value=${v.format} onChange=${set("format")}>
          <option value="json">Signed JSON (HMAC)</option><option value="slack">Slack incoming webhook</option>
        </select>
      </div>
      <div class="field">
        <label for="sub-min">Minimum severity</label>
        <select id="sub-min" value=${v.min_severity} onChange=${set("min_severity")}>
          ${MIN_SEVERITIES.map((s) => html`<option value=${s}>${s ? s[0] + s.slice(1).toLowerCase() + " and above" : "Any"}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="sub-secret">HMAC secret (empty: generated)</label>
        <input id="sub-secret" type="password" autocomplete="new-password" minlength="16" value=${v.secret} onInput=${set("secret")} />
      </div>
      <fieldset class="field wide events">
        <legend>Events (none ticked: all)</legend>
        ${EVENTS.map(
          ([ev, label]) => html`<span class="check">
            <input id=${"sub-ev-" + ev.replace(/\./g, "-")} type="checkbox" checked=${v.events.includes(ev)} onChange=${toggle(ev)} />
            <label for=${"sub-ev-" + ev.replace(/\./g, "-")}>${label} <code>${ev}</code></label></span>`,
        )}
      </fieldset>
    </div>
    <p class="hint">The secret signs each post (<code>X-Scanfleet-Signature</code>); it is stored encrypted and never shown again.
      A generated one is shown once, after saving.</p>
    <${ErrorNote} error=${error} />
    <div class="actions">
      <button type="submit" class="primary" disabled=${busy}>${busy ? "Saving…" : "Add subscription"}</button>
      <button type="button" onClick=${onCancel}>Cancel</button>
    </div>
  </form>`;
}

function stateClass(s) {
  return s === "delivered" ? "state-badge active" : s === "failed" ? "state-badge gone" : "state-badge";
}

// Deliveries is one subscription's delivery log, newest first.
function Deliveries({ sub }) {
  const { data, error, loading } = useLoad(() => api(`/api/v1/subscriptions/${encodeURIComponent(sub.id)}/deliveries`), [sub.id], 3000);
  const [offset, setOffset] = useState(0);
  const list = data || [];
  return html`<div class="deliveries" data-testid=${"deliveries-" + sub.id}>
    <h3>Deliveries to ${sub.name || sub.id}</h3>
    <${ErrorNote} error=${error} />
    ${!data && !error && html`<${Loading} />`}
    ${data &&
    html`<p role="status" class="small">${list.length === 0 ? "Nothing sent yet." : `${list.length} deliver${list.length === 1 ? "y" : "ies"}, newest first`}${
      list.length >= DELIVERIES_MAX ? ` (the newest ${DELIVERIES_MAX}, the API's most: older ones exist)` : ""
    }${loading ? " (refreshing…)" : ""}</p>
    ${list.length > 0 &&
    html`<div class="table-wrap"><table class="data deliveries-table">
      <caption class="sr-only">Deliveries to ${sub.name || sub.id}</caption>
      <thead><tr><th scope="col">Created</th><th scope="col">Kind</th><th scope="col">State</th><th scope="col" class="num">Attempts</th>
        <th scope="col">Last status</th><th scope="col">Last error</th><th scope="col" class="hide-sm">Delivered / next try</th></tr></thead>
      <tbody>${list.slice(offset, offset + DELIVERIES_PAGE).map(
        (d) => html`<tr key=${d.id} data-delivery=${d.id}>
          <td title=${fmtTime(d.created_at)}>${ago(d.created_at)}</td>
          <th scope="row">${d.kind}<div class="small muted mono">${d.id}</div></th>
          <td><span class=${stateClass(d.state)}>${d.state}</span></td>
          <td class="num">${d.attempts}</td>
          <td>${d.last_status || html`<span class="muted">—</span>`}</td>
          <td class="small error-text break">${d.last_error || ""}</td>
          <td class="hide-sm small">${d.state === "delivered" ? fmtTime(d.delivered_at) : d.state === "pending" ? "next " + fmtTime(d.next_at) : "gave up"}</td>
        </tr>`,
      )}</tbody></table></div>
    <${Pager} offset=${offset} size=${DELIVERIES_PAGE} total=${list.length} onGo=${setOffset} label=${"Pages of deliveries to " + (sub.name || sub.id)} />`}`}
  </div>`;
}

export function SubscriptionsPage({ role }) {
  const admin = role === "admin";
  // Readers are refused by the API: do not even ask.
  const { data, error, reload } = useLoad(() => (admin ? api("/api/v1/subscriptions") : Promise.resolve(null)), [admin], 15000);
  const [form, setForm] = useState(false);
  const [msg, setMsg] = useState("");
  const [secret, setSecret] = useState(null); // {id, secret}: shown once
  const [open, setOpen] = useState(null);
  const [actionError, setActionError] = useState(null);
  async function act(fn, done) {
    setActionError(null);
    try {
      await fn();
      setMsg(done);
      reload();
    } catch (err) {
      setActionError(err);
    }
  }
  if (!admin) {
    return html`<div class="page-head"><h1>Subscriptions</h1></div>
      <p class="empty" data-testid="subs-admin-only">Subscriptions are shown to admins only: a webhook URL (a Slack one above all) is itself a credential.</p>`;
  }
  return html`
    <div class="page-head">
      <h1>Subscriptions</h1>
      ${!form && html`<button type="button" class="primary" onClick=${() => setForm(true)}>Add subscription</button>`}
    </div>
    <p class="hint">Webhooks the controller posts to when images gain or lose findings, findings enter KEV, scans or crawls fail, or admission denies.
      Failed posts are retried with back-off (12 attempts); the delivery log shows each one.</p>
    ${form &&
    html`<${SubscriptionForm} onCancel=${() => setForm(false)} onDone=${(s) => {
      setForm(false);
      setSecret(s.secret ? { id: s.id, secret: s.secret } : null);
      setMsg("Subscription " + s.id + " added.");
      reload();
    }} />`}
    ${secret &&
    html`<div class="warn" role="alert" data-testid="sub-secret">
      <p>The HMAC secret of <strong>${secret.id}</strong>, shown this once (it is stored encrypted and never returned again); give it to the receiver to check signatures:</p>
      <p><code class="break">${secret.secret}</code></p>
      <button type="button" class="small" onClick=${() => setSecret(null)}>I have copied it</button>
    </div>`}
    <p role="status" aria-live="polite" class=${msg ? "notice" : "sr-only"} data-testid="sub-msg">${msg}</p>
    <${ErrorNote} error=${actionError || error} />
    ${!data && !error && html`<${Loading} />`}
    ${data && data.length === 0 && html`<p class="empty">No subscriptions yet.</p>`}
    ${data &&
    data.length > 0 &&
    html`<p><strong>${data.length}</strong> subscription${data.length === 1 ? "" : "s"}</p>
    <div class="table-wrap"><table class="data subscriptions">
      <caption class="sr-only">Notification subscriptions</caption>
      <thead><tr><th scope="col">Subscription</th><th scope="col">URL</th><th scope="col">Sends</th><th scope="col" class="hide-sm">Secret</th>
        <th scope="col" class="hide-sm">Author</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
      <tbody>${data.map(
        (s) => html`<tr key=${s.id} data-subscription=${s.id} class=${s.enabled ? "" : "disabled"}>
            <th scope="row">${s.name}${!s.enabled && html` <span class="muted small">(disabled)</span>`}<div class="small muted mono">${s.id}</div></th>
            <td class="mono small break">${s.url}<div class="muted">${s.format === "slack" ? "Slack" : "signed JSON"}</div></td>
            <td class="small">${s.min_severity ? s.min_severity + " and above" : "any severity"}; ${s.events && s.events.length ? s.events.join(", ") : "all events"}</td>
            <td class="hide-sm small">${s.secret_set ? "set (never shown)" : "none"}</td>
            <td class="hide-sm small"><span class="mono">${s.author}</span><div class="muted" title=${fmtTime(s.created)}>${ago(s.created)}</div></td>
            <td class="actions-cell">
              <button type="button" class="primary small" aria-label=${"Send a test to " + s.id}
                onClick=${() => act(async () => {
                  await api(`/api/v1/subscriptions/${encodeURIComponent(s.id)}/test`, { method: "POST" });
                  setOpen(s.id);
                }, "Test notification queued for " + s.id + "; its delivery appears in the log.")}>Send test</button>
              <button type="button" class="small" aria-expanded=${open === s.id ? "true" : "false"} aria-label=${"Delivery log of " + s.id}
                onClick=${() => setOpen(open === s.id ? null : s.id)}>Deliveries</button>
              <button type="button" class="small danger" aria-label=${"Delete subscription " + s.id}
                onClick=${() => confirm(`Delete subscription ${s.name}? Nothing more is sent to it.`) &&
                  act(() => api(`/api/v1/subscriptions/${encodeURIComponent(s.id)}`, { method: "DELETE" }), "Subscription " + s.id + " deleted.")}>Delete</button>
            </td>
          </tr>
          ${open === s.id && html`<tr class="detail"><td colspan="6"><${Deliveries} sub=${s} /></td></tr>`}`,
      )}</tbody></table></div>`}`;
}
