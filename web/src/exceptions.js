// Exceptions: fleet-wide decisions that a vulnerability does not count
// somewhere, with who, why and until when (GET/POST/DELETE
// /api/v1/exceptions; POST /api/v1/exceptions/{id}/expire ends one now).
// Every change is in the audit log.
import { useState } from "preact/hooks";
import { api, download } from "./api.js";
import { html, useLoad, ErrorNote, Loading, fmtTime, ago, CsvButton, Pager, splitList, href } from "./util.js";

const PAGE = 50;

// SCOPES are the exception's glob fields, in the order the form and the
// list show them.
const SCOPES = [
  ["registries", "Registries (name or host)", "local, *.example.com"],
  ["repositories", "Repositories", "team/*"],
  ["images", "Images (registry/repository:tag)", "local/team/app:v1*"],
  ["tags", "Tags", "v1.*"],
  ["digests", "Digests (exact)", "sha256:…"],
  ["packages", "Packages (or source package)", "openssl"],
  ["namespaces", "Namespaces (admission only)", "dev-*"],
];

// scope summarises an exception's scope: "everywhere" when it has none.
export function scope(x) {
  const parts = SCOPES.filter(([k]) => (x[k] || []).length > 0).map(([k]) => k + " " + x[k].join(", "));
  return parts.length ? parts.join("; ") : "everywhere";
}

const CSV = [
  ["id", (x) => x.id],
  ["vulnerability", (x) => x.vulnerability],
  ...SCOPES.map(([k]) => [k, (x) => x[k] || []]),
  ["reason", (x) => x.reason],
  ["author", (x) => x.author],
  ["created", (x) => x.created],
  ["expires", (x) => x.expires || ""],
  ["state", (x) => (x.expired ? "expired" : "active")],
];

// daysLeft is how many whole days (rounded up) remain until t.
function daysLeft(t) {
  return Math.max(1, Math.ceil((new Date(t).getTime() - Date.now()) / 86400000));
}

// ExceptionForm adds an exception or, given initial, replaces it (PUT):
// there the expiry stays exactly as it was unless the days are changed,
// and an expired exception is renewed by giving new days.
function ExceptionForm({ vulnerability = "", initial, onDone, onCancel }) {
  const editing = !!initial;
  const [v, setV] = useState(
    editing
      ? {
          vulnerability: initial.vulnerability,
          reason: initial.reason,
          days: initial.expires && !initial.expired ? String(daysLeft(initial.expires)) : "",
          ...Object.fromEntries(SCOPES.map(([k]) => [k, (initial[k] || []).join(", ")])),
        }
      : { vulnerability, reason: "", days: "30", ...Object.fromEntries(SCOPES.map(([k]) => [k, ""])) },
  );
  const [daysTouched, setDaysTouched] = useState(false);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = (k) => (e) => {
    if (k === "days") setDaysTouched(true);
    setV({ ...v, [k]: e.currentTarget.value });
  };
  async function submit(e) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const body = { vulnerability: v.vulnerability.trim(), reason: v.reason.trim() };
    for (const [k] of SCOPES) {
      const list = splitList(v[k]);
      if (list.length) body[k] = list;
    }
    if (editing && !daysTouched && initial.expires && !initial.expired) body.expires = initial.expires;
    else if (v.days.trim()) body.days = Number(v.days);
    try {
      onDone(
        editing
          ? await api("/api/v1/exceptions/" + encodeURIComponent(initial.id), { method: "PUT", body })
          : await api("/api/v1/exceptions", { method: "POST", body }),
      );
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }
  return html`<form class="card form" onSubmit=${submit} aria-labelledby="excform-title" data-testid="exception-form">
    <h2 id="excform-title">${editing ? "Edit exception " + initial.id : "Add an exception"}</h2>
    <div class="grid">
      <div class="field">
        <label for="exc-vuln">Vulnerability (CVE, GHSA, … or an alias)</label>
        <input id="exc-vuln" required placeholder="CVE-2024-9143" value=${v.vulnerability} onInput=${set("vulnerability")} />
      </div>
      <div class="field">
        <label for="exc-days">Expires in (days; empty: never)</label>
        <input id="exc-days" type="number" min="1" max="3650" value=${v.days} onInput=${set("days")} aria-describedby=${editing ? "exc-days-hint" : undefined} />
        ${editing &&
        html`<small id="exc-days-hint">${
          initial.expires ? (initial.expired ? "Expired " : "Now expires ") + fmtTime(initial.expires) + (initial.expired ? ": give days to renew it." : "; unchanged unless you change the days.") : "Now never expires."
        }</small>`}
      </div>
      ${SCOPES.map(
        ([k, label, hint]) => html`<div class="field">
          <label for=${"exc-" + k}>${label}</label>
          <input id=${"exc-" + k} placeholder=${hint} value=${v[k]} onInput=${set(k)} aria-describedby="exc-scope-hint" />
        </div>`,
      )}
      <div class="field wide">
        <label for="exc-reason">Reason (required: why this finding may be ignored)</label>
        <textarea id="exc-reason" rows="2" required value=${v.reason} onInput=${set("reason")}></textarea>
      </div>
    </div>
    <p id="exc-scope-hint" class="hint">Several values: separate them with commas. Within a field any value may match, across fields all must; <code>*</code> stops at <code>/</code>, <code>**</code> alone matches anything. No scope at all: the exception applies everywhere.
      The author is your token.</p>
    <${ErrorNote} error=${error} />
    <div class="actions">
      <button type="submit" class="primary" disabled=${busy}>${busy ? "Saving…" : editing ? "Save" : "Add exception"}</button>
      <button type="button" onClick=${onCancel}>Cancel</button>
    </div>
  </form>`;
}

// VexTools exports what the exceptions suppress as OpenVEX, and (admins)
// imports an OpenVEX document's not_affected and fixed statements as
// exceptions.
function VexTools({ admin, onImported }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  async function importFile(e) {
    const file = e.currentTarget.files[0];
    e.currentTarget.value = "";
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      let doc;
      try {
        doc = JSON.parse(await file.text());
      } catch (err) {
        throw new Error(`${file.name} is not JSON: ${err.message}`);
      }
      onImported(file.name, await api("/api/v1/vex", { method: "POST", body: doc }));
    } catch (err) {
      setError(err);
    }
    setBusy(false);
  }
  return html`<span class="downloads">
    <button type="button" class="small" onClick=${() => download("/api/v1/vex", "exceptions.openvex.json").catch(setError)}>Export OpenVEX</button>
    ${admin &&
    html`<input id="vex-file" class="sr-only" type="file" accept=".json,application/json" disabled=${busy} onChange=${importFile} />
      <label class="file-button small" for="vex-file">${busy ? "Importing…" : "Import OpenVEX…"}</label>`}
    ${error && html`<span class="error" role="alert">${error.message}</span>`}
  </span>`;
}

function StateBadge({ x }) {
  return x.expired
    ? html`<span class="state-badge gone">Expired</span>`
    : html`<span class="state-badge active">Active</span>`;
}

export function ExceptionsPage({ role, query }) {
  const admin = role === "admin";
  const state = query.state || "";
  const { data, error, reload } = useLoad(() => api("/api/v1/exceptions"), [], 30000);
  // #/exceptions?new=CVE-… (from a vulnerability's page) opens the form
  // for that vulnerability.
  const [form, setForm] = useState(!!query.new);
  const [msg, setMsg] = useState("");
  const [actionError, setActionError] = useState(null);
  const [offset, setOffset] = useState(0);
  const all = data || [];
  const shown = all.filter((x) => (state === "active" ? !x.expired : state === "expired" ? x.expired : true));
  const expired = all.filter((x) => x.expired).length;
  function changed(ch, verb) {
    setMsg(
      `Exception ${ch.exception.id} ${verb}; ${ch.reevaluated} stored result${ch.reevaluated === 1 ? "" : "s"} re-evaluated.` +
        (ch.reevaluate_error ? " The rest is left to the lead controller: " + ch.reevaluate_error : ""),
    );
    reload();
  }
  async function expire(x) {
    setActionError(null);
    try {
      changed(await api("/api/v1/exceptions/" + encodeURIComponent(x.id) + "/expire", { method: "POST" }), "expired now");
    } catch (err) {
      setActionError(err);
    }
  }
  async function remove(x) {
    setActionError(null);
    try {
      changed(await api("/api/v1/exceptions/" + encodeURIComponent(x.id), { method: "DELETE" }), "deleted");
    } catch (err) {
      setActionError(err);
    }
  }
  return html`
    <div class="page-head">
      <h1>Exceptions</h1>
      ${admin && !form && html`<button type="button" class="primary" onClick=${() => setForm(true)}>Add exception</button>`}
    </div>
    <p class="hint">An exception stops a vulnerability from counting in the images it scopes: image counts, CVE search,
      admission, exports. Changes are in the ${admin ? html`<a href=${href(["audit"])}>audit log</a>` : "audit log (admins)"}.</p>
    ${admin &&
    form &&
    html`<${ExceptionForm} key=${form === true ? "new" : form.id} vulnerability=${query.new || ""} initial=${form === true ? null : form}
      onCancel=${() => setForm(false)} onDone=${(ch) => {
        const verb = form === true ? "created" : "saved";
        setForm(false);
        changed(ch, verb);
      }} />`}
    <p role="status" aria-live="polite" class=${msg ? "notice" : "sr-only"} data-testid="exc-msg">${msg}</p>
    <${ErrorNote} error=${actionError || error} />
    ${!data && !error && html`<${Loading} />`}
    ${data &&
    html`<form class="filters" aria-label="Filter exceptions" onSubmit=${(e) => e.preventDefault()}>
        <div class="field">
          <label for="exc-state">State</label>
          <select id="exc-state" value=${state} onChange=${(e) => {
            setOffset(0);
            location.hash = href(["exceptions"], { state: e.currentTarget.value });
          }}>
            <option value="">All</option><option value="active">Active</option><option value="expired">Expired</option>
          </select>
        </div>
      </form>
      <div class="list-tools">
        <p data-testid="exc-count"><strong>${all.length}</strong> exception${all.length === 1 ? "" : "s"}, ${all.length - expired} active, ${expired} expired${
          state ? html`; <strong>${shown.length}</strong> shown` : ""
        }</p>
        <span class="downloads">
          <${VexTools} admin=${admin} onImported=${(name, r) => {
            setMsg(
              `${name}: ${r.exceptions.length} exception${r.exceptions.length === 1 ? "" : "s"} imported, ${r.skipped.length} statement${r.skipped.length === 1 ? "" : "s"} skipped` +
                (r.skipped.length ? " (" + r.skipped.map((k) => "#" + k.statement + ": " + k.reason).join("; ") + ")" : "") +
                `; ${r.reevaluated} stored result${r.reevaluated === 1 ? "" : "s"} re-evaluated.` +
                (r.reevaluate_error ? " The rest is left to the lead controller: " + r.reevaluate_error : ""),
            );
            reload();
          }} />
          ${shown.length > 0 && html`<${CsvButton} name="exceptions" columns=${CSV} rows=${() => shown} />`}
        </span>
      </div>
      ${shown.length === 0
        ? html`<p class="empty">No ${state || ""} exceptions.${admin && !state ? " Add one to stop a finding from counting, with a reason and an expiry." : ""}</p>`
        : html`<div class="table-wrap"><table class="data exceptions">
          <caption class="sr-only">Exceptions</caption>
          <thead><tr><th scope="col">Vulnerability</th><th scope="col">Scope</th><th scope="col">Reason</th><th scope="col" class="hide-sm">Author</th>
            <th scope="col" class="hide-sm">Created</th><th scope="col">Expires</th><th scope="col">State</th>
            ${admin && html`<th scope="col"><span class="sr-only">Actions</span></th>`}</tr></thead>
          <tbody>${shown.slice(offset, offset + PAGE).map(
            (x) => html`<tr key=${x.id} data-exception=${x.id} class=${x.expired ? "disabled" : ""}>
              <th scope="row"><a href=${href(["vulnerabilities", x.vulnerability])}>${x.vulnerability}</a><div class="small muted mono">${x.id}</div></th>
              <td class="small scope">${scope(x)}</td>
              <td class="small reason">${x.reason}<div class="show-sm muted">by ${x.author}</div></td>
              <td class="small mono hide-sm">${x.author}</td>
              <td class="hide-sm small" title=${fmtTime(x.created)}>${ago(x.created)}</td>
              <td class="small">${x.expires ? fmtTime(x.expires) : html`<span class="muted">never</span>`}</td>
              <td><${StateBadge} x=${x} /></td>
              ${admin &&
              html`<td class="actions-cell"><button type="button" class="small" aria-label=${"Edit exception " + x.id}
                onClick=${() => {
                  setForm(x);
                  scrollTo(0, 0);
                }}>Edit</button>${!x.expired &&
                html`<button type="button" class="small" aria-label=${"Expire exception " + x.id + " now"}
                  onClick=${() => confirm(`End exception ${x.id} (${x.vulnerability}) now? Its findings count again at once; it stays listed as expired.`) && expire(x)}>Expire now</button>`}<button type="button" class="small danger" aria-label=${"Delete exception " + x.id}
                onClick=${() => confirm(`Delete exception ${x.id} (${x.vulnerability})? Its findings count again.`) && remove(x)}>Delete</button></td>`}
            </tr>`,
          )}</tbody></table></div>
          <${Pager} offset=${offset} size=${PAGE} total=${shown.length} onGo=${setOffset} label="Pages of exceptions" />`}`}`;
}
