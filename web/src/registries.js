import { useState } from "preact/hooks";
import { api } from "./api.js";
import { html, useLoad, ago, ErrorNote, Loading, href, CsvButton } from "./util.js";

const REGISTRY_CSV = [
  ["name", (r) => r.name],
  ["url", (r) => r.url],
  ["filters", (r) => r.filters || []],
  ["interval", (r) => r.interval],
  ["last_crawl", (r) => r.last_crawl],
  ["last_error", (r) => r.last_error],
  ["images", (r) => r.images],
  ["queued", (r) => r.queued],
  ["leased", (r) => r.leased],
  ["failed", (r) => r.failed],
];

const SCHEDULES = [
  ["", "Manual only"],
  ["15m0s", "Every 15 minutes"],
  ["1h0m0s", "Every hour"],
  ["6h0m0s", "Every 6 hours"],
  ["24h0m0s", "Every day"],
];

function scheduleLabel(iv) {
  if (!iv) return "Manual";
  const known = SCHEDULES.find(([v]) => v === iv);
  return known ? known[1] : "Every " + iv;
}

const empty = {
  name: "",
  url: "",
  username: "",
  password: "",
  token: "",
  insecure: false,
  filters: "",
  interval: "",
  max_repositories: "",
  max_tags: "",
  rescan_after_db_update: false,
  kind: "",
  namespace: "",
  api: "",
  repositories: "",
  api_token: "",
  webhook_secret: "",
  max_pulls: "",
  pulls_per_second: "",
};

// KINDS are the registry kinds (docs/registries.md): how repositories
// are listed and where credentials come from.
const KINDS = [
  ["", "Generic (/v2/_catalog)"],
  ["dockerhub", "Docker Hub"],
  ["ghcr", "GitHub (GHCR)"],
  ["gitlab", "GitLab"],
  ["harbor", "Harbor"],
  ["quay", "Quay"],
  ["artifactory", "JFrog Artifactory"],
  ["nexus", "Sonatype Nexus"],
  ["ecr", "Amazon ECR"],
  ["gar", "Google Artifact Registry"],
  ["acr", "Azure Container Registry"],
];

function RegistryForm({ initial, onDone, onCancel }) {
  const editing = !!initial;
  const [v, setV] = useState(
    initial
      ? {
          ...empty,
          ...initial,
          password: "",
          token: "",
          filters: (initial.filters || []).join("\n"),
          interval: initial.interval || "",
          max_repositories: initial.max_repositories || "",
          max_tags: initial.max_tags || "",
          kind: initial.kind || "",
          namespace: initial.namespace || "",
          api: initial.api || "",
          repositories: (initial.repositories || []).join("\n"),
          api_token: "",
          webhook_secret: "",
          max_pulls: initial.max_pulls || "",
          pulls_per_second: initial.pulls_per_second || "",
        }
      : empty,
  );
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = (k) => (e) => {
    const el = e.currentTarget;
    setV({ ...v, [k]: el.type === "checkbox" ? el.checked : el.value });
  };
  async function submit(e) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const body = {
      name: v.name.trim(),
      url: v.url.trim(),
      username: v.username.trim() || undefined,
      password: v.password || undefined,
      token: v.token || undefined,
      insecure: v.insecure || undefined,
      filters: v.filters
        .split(/[\n,]/)
        .map((s) => s.trim())
        .filter(Boolean),
      interval: v.interval.trim(),
      max_repositories: v.max_repositories ? Number(v.max_repositories) : undefined,
      max_tags: v.max_tags ? Number(v.max_tags) : undefined,
      rescan_after_db_update: v.rescan_after_db_update || undefined,
      kind: v.kind || undefined,
      namespace: v.namespace.trim() || undefined,
      api: v.api.trim() || undefined,
      repositories: v.repositories
        .split(/[\n,]/)
        .map((s) => s.trim())
        .filter(Boolean),
      api_token: v.api_token || undefined,
      webhook_secret: v.webhook_secret || undefined,
      max_pulls: v.max_pulls ? Number(v.max_pulls) : undefined,
      pulls_per_second: v.pulls_per_second ? Number(v.pulls_per_second) : undefined,
    };
    try {
      if (editing) await api("/api/v1/registries/" + encodeURIComponent(initial.name), { method: "PUT", body });
      else await api("/api/v1/registries", { method: "POST", body });
      onDone(body.name);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }
  const custom = v.interval && !SCHEDULES.some(([s]) => s === v.interval);
  return html`<form class="card form" onSubmit=${submit} aria-labelledby="regform-title">
    <h2 id="regform-title">${editing ? "Edit registry " + initial.name : "Add a registry"}</h2>
    <div class="grid">
      <div class="field">
        <label for="reg-name">Name</label>
        <input id="reg-name" required pattern="[A-Za-z0-9][A-Za-z0-9._\\-]{0,62}" value=${v.name} onInput=${set("name")}
          readonly=${editing} aria-describedby="reg-name-hint" />
        <small id="reg-name-hint">Letters, digits, “.”, “_”, “-”.</small>
      </div>
      <div class="field">
        <label for="reg-url">URL</label>
        <input id="reg-url" type="url" required placeholder="https://registry.example" value=${v.url} onInput=${set("url")} />
      </div>
      <div class="field">
        <label for="reg-user">Username</label>
        <input id="reg-user" autocomplete="off" value=${v.username} onInput=${set("username")} />
      </div>
      <div class="field">
        <label for="reg-pass">Password</label>
        <input id="reg-pass" type="password" autocomplete="new-password" value=${v.password} onInput=${set("password")}
          aria-describedby="reg-secret-hint" />
      </div>
      <div class="field">
        <label for="reg-token">Registry token</label>
        <input id="reg-token" type="password" autocomplete="off" value=${v.token} onInput=${set("token")} aria-describedby="reg-secret-hint" />
      </div>
      <div class="field">
        <label for="reg-schedule">Schedule</label>
        <select id="reg-schedule" value=${custom ? "custom" : v.interval} onChange=${(e) => {
          const s = e.currentTarget.value;
          setV({ ...v, interval: s === "custom" ? "2h" : s });
        }}>
          ${SCHEDULES.map(([val, label]) => html`<option value=${val}>${label}</option>`)}
          <option value="custom">Other interval…</option>
        </select>
      </div>
      ${custom &&
      html`<div class="field">
        <label for="reg-interval">Interval (Go duration, e.g. 90m)</label>
        <input id="reg-interval" value=${v.interval} onInput=${set("interval")} />
      </div>`}
      <div class="field wide">
        <label for="reg-filters">Filters (one per line: repository glob, optionally :tag glob)</label>
        <textarea id="reg-filters" rows="3" placeholder="team/*:v*" value=${v.filters} onInput=${set("filters")}></textarea>
      </div>
      <div class="field">
        <label for="reg-maxrepos">Max repositories</label>
        <input id="reg-maxrepos" type="number" min="0" value=${v.max_repositories} onInput=${set("max_repositories")} />
      </div>
      <div class="field">
        <label for="reg-maxtags">Max tags per repository</label>
        <input id="reg-maxtags" type="number" min="0" value=${v.max_tags} onInput=${set("max_tags")} />
      </div>
      <div class="field">
        <label for="reg-kind">Kind</label>
        <select id="reg-kind" value=${v.kind} onChange=${set("kind")}>
          ${KINDS.map(([val, label]) => html`<option value=${val}>${label}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="reg-namespace">Namespace (what the kind's API lists)</label>
        <input id="reg-namespace" placeholder="acme" value=${v.namespace} onInput=${set("namespace")} />
      </div>
      <div class="field">
        <label for="reg-api">API URL (when not the kind's default)</label>
        <input id="reg-api" type="url" value=${v.api} onInput=${set("api")} />
      </div>
      <div class="field">
        <label for="reg-apitoken">API token (when not the password)</label>
        <input id="reg-apitoken" type="password" autocomplete="off" value=${v.api_token} onInput=${set("api_token")} aria-describedby="reg-secret-hint" />
      </div>
      <div class="field wide">
        <label for="reg-repos">Repositories (one per line, REPO or REPO:tag glob; instead of any listing)</label>
        <textarea id="reg-repos" rows="2" placeholder="team/app:v*" value=${v.repositories} onInput=${set("repositories")}></textarea>
      </div>
      <div class="field">
        <label for="reg-hook">Webhook secret</label>
        <input id="reg-hook" type="password" autocomplete="off" value=${v.webhook_secret} onInput=${set("webhook_secret")} aria-describedby="reg-secret-hint" />
      </div>
      <div class="field">
        <label for="reg-maxpulls">Max pulls at once (whole fleet)</label>
        <input id="reg-maxpulls" type="number" min="0" value=${v.max_pulls} onInput=${set("max_pulls")} />
      </div>
      <div class="field">
        <label for="reg-pps">Pulls per second</label>
        <input id="reg-pps" type="number" min="0" step="any" value=${v.pulls_per_second} onInput=${set("pulls_per_second")} />
      </div>
      <div class="field check">
        <input id="reg-insecure" type="checkbox" checked=${v.insecure} onChange=${set("insecure")} />
        <label for="reg-insecure">Skip TLS verification</label>
      </div>
      <div class="field check">
        <input id="reg-rescan" type="checkbox" checked=${v.rescan_after_db_update} onChange=${set("rescan_after_db_update")} />
        <label for="reg-rescan">Rescan after database updates</label>
      </div>
    </div>
    <p id="reg-secret-hint" class="hint">
      Secrets are stored encrypted and never shown again.
      ${editing &&
      html` Saving replaces them:
        ${initial.password_set || initial.token_set ? html`<strong>retype the password or token</strong>, or leave both empty for none.` : "none is set now."}`}
    </p>
    <${ErrorNote} error=${error} />
    <div class="actions">
      <button type="submit" class="primary" disabled=${busy}>${editing ? "Save" : "Add registry"}</button>
      <button type="button" onClick=${onCancel}>Cancel</button>
    </div>
  </form>`;
}

function Progress({ r }) {
  const total = r.queued + r.leased + r.scanned + r.failed;
  const busy = r.crawling || r.queued + r.leased > 0;
  let text;
  if (r.crawling) text = "Listing images…";
  else if (busy) text = `Scanning: ${r.scanned} of ${total} done, ${r.leased} in progress, ${r.queued} waiting`;
  else if (r.last_crawl) text = `Last scan ${ago(r.last_crawl)}: ${r.scanned} scanned` + (r.failed ? `, ${r.failed} failed` : "");
  else text = "Never scanned";
  return html`<div class="progress-cell">
    <span class=${busy ? "state running" : "state"} data-testid="reg-status">${text}</span>
    ${busy && total > 0 && html`<progress max=${total} value=${r.scanned + r.failed} aria-label=${"Scan progress of " + r.name}></progress>`}
    ${r.last_error && html`<span class="error small">Last crawl error: ${r.last_error}</span>`}
  </div>`;
}

export function RegistriesPage({ role }) {
  const admin = role === "admin";
  const { data, error, reload } = useLoad(() => api("/api/v1/console/registries"), [], 2000);
  const [form, setForm] = useState(null); // null, "new", or a registry
  const [msg, setMsg] = useState("");
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
  return html`
    <div class="page-head">
      <h1>Registries</h1>
      ${admin && !form && html`<button type="button" class="primary" onClick=${() => setForm("new")}>Add registry</button>`}
    </div>
    <p class="sr-only" role="status" aria-live="polite">${msg}</p>
    ${form &&
    html`<${RegistryForm}
      initial=${form === "new" ? null : form}
      onCancel=${() => setForm(null)}
      onDone=${(name) => {
        setForm(null);
        setMsg("Registry " + name + " saved.");
        reload();
      }}
    />`}
    <${ErrorNote} error=${actionError || error} />
    ${!data && !error && html`<${Loading} />`}
    ${data && data.length === 0 && html`<p class="empty">No registries yet.${admin ? " Add one to start scanning." : ""}</p>`}
    ${data &&
    data.length > 0 &&
    html`<div class="list-tools"><span></span><${CsvButton} name="registries" columns=${REGISTRY_CSV} rows=${() => data} /></div>
    <div class="table-wrap"><table class="data">
      <caption class="sr-only">Registries and the progress of their scans</caption>
      <thead><tr><th scope="col">Name</th><th scope="col">URL</th><th scope="col">Schedule</th><th scope="col">Images</th>
        <th scope="col">Status</th>${admin && html`<th scope="col"><span class="sr-only">Actions</span></th>`}</tr></thead>
      <tbody>
        ${data.map(
          (r) => html`<tr key=${r.name} data-registry=${r.name}>
            <th scope="row"><a href=${href(["images"], { registry: r.name })}>${r.name}</a>
              ${(r.filters || []).length > 0 && html`<div class="small muted">${r.filters.join(", ")}</div>`}</th>
            <td class="mono small">${r.url}${r.username && html`<div class="muted">as ${r.username}</div>`}</td>
            <td>${scheduleLabel(r.interval)}${r.rescan_after_db_update && html`<div class="small muted">rescans after DB updates</div>`}</td>
            <td class="num">${r.images}</td>
            <td><${Progress} r=${r} /></td>
            ${admin &&
            html`<td class="actions-cell">
              <button type="button" class="primary small" aria-label=${"Scan " + r.name + " now"} disabled=${r.crawling}
                onClick=${() => act(() => api(`/api/v1/registries/${encodeURIComponent(r.name)}/scan`, { method: "POST", body: {} }), "Scan of " + r.name + " started.")}>Scan now</button>
              <button type="button" class="small" aria-label=${"Edit " + r.name} onClick=${() => setForm(r)}>Edit</button>
              <button type="button" class="small danger" aria-label=${"Delete " + r.name}
                onClick=${() =>
                  confirm(`Delete registry ${r.name}? Its stored results stay.`) &&
                  act(() => api(`/api/v1/registries/${encodeURIComponent(r.name)}`, { method: "DELETE" }), "Registry " + r.name + " deleted.")}>Delete</button>
            </td>`}
          </tr>`,
        )}
      </tbody>
    </table></div>`}
    <p class="hint">Status refreshes every 2 seconds.</p>`;
}
