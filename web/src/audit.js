// The audit log: who changed what, and when (GET /api/v1/audit, newest
// first; admin tokens only, since it names every token). It is paged by
// entry id: "Older" asks for the entries before the last one shown, so a
// page costs its length however long the log.
import { useState } from "preact/hooks";
import { api, qs } from "./api.js";
import { html, useLoad, ErrorNote, Loading, fmtTime, ago, navigate } from "./util.js";
import { scope } from "./exceptions.js";

const PAGE = 50;

// what summarises the object an entry changed, from its JSON after (or
// before, for a delete) the change.
function what(e) {
  const o = e.after || e.before;
  if (!o || typeof o !== "object") return "";
  if (e.kind === "exception") {
    return `${o.vulnerability} (${scope(o)})${o.expires ? ", expires " + fmtTime(o.expires) : ""} — ${o.reason}`;
  }
  if (e.kind === "subscription") {
    return `${o.name || o.id}: ${o.format || "json"} to ${o.url || "?"}${o.min_severity ? ", " + o.min_severity + " and above" : ""}${
      o.events && o.events.length ? ", events " + o.events.join(", ") : ""
    }`;
  }
  if (e.kind === "token") {
    return `${o.name} (${o.role})${o.expires_at ? ", expires " + fmtTime(o.expires_at) : ""}${o.revoked ? ", revoked by " + (o.revoked_by || "?") : ""}`;
  }
  return "";
}

// AuditAdminOnly is what other roles see at #/audit.
export function AuditAdminOnly() {
  return html`<div class="page-head"><h1>Audit log</h1></div>
    <p class="empty" data-testid="audit-admin-only">The audit log is shown to admin tokens only: it names every API token and what each changed.</p>`;
}

export function AuditPage({ query }) {
  const kind = query.kind || "";
  const actor = query.actor || "";
  const before = Number(query.before) || 0;
  // One more than a page: whether older entries exist.
  const { data, error, loading } = useLoad(
    () => api("/api/v1/audit" + qs({ kind, actor, before: before || "", limit: PAGE + 1 })),
    [kind, actor, before],
    15000,
  );
  const [open, setOpen] = useState(null);
  const entries = (data || []).slice(0, PAGE);
  const more = (data || []).length > PAGE;
  const go = (changes) => navigate(["audit"], { kind, actor, ...changes });
  return html`
    <div class="page-head"><h1>Audit log</h1></div>
    <p class="hint">Every change to exceptions, subscriptions and API tokens: who made it (the API token), when, and the object before and after.</p>
    <form class="filters" role="search" aria-label="Filter the audit log" onSubmit=${(e) => {
      e.preventDefault();
      go({ actor: e.currentTarget.elements["audit-actor"].value.trim(), before: "" });
    }}>
      <div class="field">
        <label for="audit-kind">Kind</label>
        <select id="audit-kind" value=${kind} onChange=${(e) => go({ kind: e.currentTarget.value, before: "" })}>
          <option value="">All</option><option value="exception">Exceptions</option><option value="subscription">Subscriptions</option><option value="token">Tokens</option>
        </select>
      </div>
      <div class="field">
        <label for="audit-actor">Who</label>
        <input id="audit-actor" name="audit-actor" placeholder="exact author" value=${actor} />
      </div>
      <button type="submit">Filter</button>
    </form>
    <${ErrorNote} error=${error} />
    ${!data && !error && html`<${Loading} />`}
    ${data &&
    html`<p role="status" data-testid="audit-count">${
      entries.length === 0
        ? before
          ? "No older entries."
          : "No changes recorded yet."
        : `${before ? "Older entries" : "The newest entries"}: ${entries.length} shown${more ? ", older ones on the next page" : ", no older ones"}`
    }${loading ? " (refreshing…)" : ""}</p>
    ${entries.length > 0 &&
    html`<div class="table-wrap"><table class="data audit">
      <caption class="sr-only">Audit log, newest first</caption>
      <thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">Change</th><th scope="col">What</th>
        <th scope="col"><span class="sr-only">Details</span></th></tr></thead>
      <tbody>${entries.map(
        (e) => html`<tr key=${e.id} data-audit=${e.id}>
            <td title=${fmtTime(e.at)}>${ago(e.at)}<div class="small muted hide-sm">${fmtTime(e.at)}</div></td>
            <td class="mono small">${e.actor}</td>
            <th scope="row">${e.action} ${e.kind} <span class="mono small">${e.object}</span></th>
            <td class="small what">${what(e)}</td>
            <td><button type="button" class="small" aria-expanded=${open === e.id ? "true" : "false"}
              aria-label=${(open === e.id ? "Hide" : "Show") + " before and after of entry " + e.id}
              onClick=${() => setOpen(open === e.id ? null : e.id)}>${open === e.id ? "Hide" : "Details"}</button></td>
          </tr>
          ${open === e.id &&
          html`<tr class="detail"><td colspan="5"><div class="two-col">
            <div><h3>Before</h3><pre class="created-by-full">${e.before ? JSON.stringify(e.before, null, 2) : "(none: created)"}</pre></div>
            <div><h3>After</h3><pre class="created-by-full">${e.after ? JSON.stringify(e.after, null, 2) : "(none: deleted)"}</pre></div>
          </div></td></tr>`}`,
      )}</tbody></table></div>`}
    <nav class="pager" aria-label="Pages of the audit log">
      <button type="button" disabled=${!before} onClick=${() => go({ before: "" })}>Newest</button>
      <button type="button" disabled=${!more} onClick=${() => go({ before: entries[entries.length - 1].id })}>Older</button>
    </nav>`}`;
}
