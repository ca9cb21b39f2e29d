// Running workloads (GET /api/v1/workloads, recorded by a controller
// started with --watch-pods): which containers run which image, whether
// that image has a stored scan, and its findings. Answers "which running
// workloads carry CVE-X" and "what runs that is not covered".
import { useState } from "preact/hooks";
import { api, qs } from "./api.js";
import { html, useSynced, useLoad, ErrorNote, Loading, ago, fmtTime, shortDigest, href, navigate, CsvButton, Pager, SEVERITIES } from "./util.js";
import { Counts } from "./images.js";

const PAGE = 50;

const CSV = [
  ["namespace", (w) => w.namespace],
  ["workload_kind", (w) => w.workload_kind],
  ["workload", (w) => w.workload],
  ["pod", (w) => w.pod],
  ["container", (w) => w.container],
  ["container_kind", (w) => w.container_kind],
  ["image", (w) => w.image],
  ["digest", (w) => w.digest || ""],
  ["scanned", (w) => w.scanned],
  ["scanned_digest", (w) => w.scanned_digest || ""],
  ["vulnerabilities", (w) => w.vulnerabilities],
  ...SEVERITIES.map((s) => [s.toLowerCase(), (w) => (w.severities || {})[s] || 0]),
];

const SCANNED = [
  ["", "All"],
  ["false", "Not covered (never scanned)"],
  ["true", "Scanned"],
];

export function WorkloadsPage({ query }) {
  const q = { namespace: query.namespace || "", cve: (query.cve || "").trim(), scanned: query.scanned || "" };
  const key = JSON.stringify(q);
  const { data, error, loading } = useLoad(() => api("/api/v1/workloads" + qs(q)), [key], 15000);
  const [ns, setNs] = useSynced(q.namespace);
  const [cve, setCve] = useSynced(q.cve);
  const [offset, setOffset] = useState(0);
  const go = (changes) => {
    setOffset(0);
    navigate(["workloads"], { ...q, ...changes });
  };
  const list = data || [];
  const filtered = q.namespace || q.cve || q.scanned;
  const unscanned = list.filter((w) => !w.scanned).length;
  return html`
    <div class="page-head"><h1>Workloads</h1></div>
    <p class="hint">Containers running in the cluster (recorded with <code>--watch-pods</code>), resolved to their stored scans as admission resolves them.
      Exceptions apply to the findings shown.</p>
    <form class="filters" role="search" aria-label="Filter workloads" onSubmit=${(e) => {
      e.preventDefault();
      go({ namespace: ns.trim(), cve: cve.trim() });
    }}>
      <div class="field">
        <label for="wl-ns">Namespace</label>
        <input id="wl-ns" placeholder="all" value=${ns} onInput=${(e) => setNs(e.currentTarget.value)} />
      </div>
      <div class="field grow">
        <label for="wl-cve">Carrying vulnerability</label>
        <input id="wl-cve" type="search" placeholder="CVE-2024-9143" value=${cve} onInput=${(e) => setCve(e.currentTarget.value)} />
      </div>
      <div class="field">
        <label for="wl-scanned">Coverage</label>
        <select id="wl-scanned" value=${q.scanned} onChange=${(e) => go({ namespace: ns.trim(), cve: cve.trim(), scanned: e.currentTarget.value })}>
          ${SCANNED.map(([v, l]) => html`<option value=${v}>${l}</option>`)}
        </select>
      </div>
      <button type="submit">Search</button>
    </form>
    <${ErrorNote} error=${error} />
    ${!data && !error && html`<${Loading} />`}
    ${data &&
    html`<div class="list-tools">
        <p role="status" aria-live="polite" data-testid="wl-count"><strong>${list.length}</strong> running container${list.length === 1 ? "" : "s"}${
          q.cve ? html` carrying <a href=${href(["vulnerabilities", q.cve])}>${q.cve}</a>` : ""
        }${q.namespace ? " in " + q.namespace : ""}${
          !q.scanned && unscanned > 0
            ? html`, <a href=${href(["workloads"], { ...q, scanned: "false" })}><strong>${unscanned}</strong> not covered</a> (never scanned)`
            : ""
        }${loading ? " (refreshing…)" : ""}</p>
        ${list.length > 0 && html`<${CsvButton} name="workloads" columns=${CSV} rows=${() => list} />`}
      </div>
      ${list.length === 0
        ? html`<p class="empty">${
            filtered
              ? "No running container matches."
              : "No running containers are recorded. The controller records them only when started as scanfleet-controller with --watch-pods (and RBAC to list and watch Pods)."
          }</p>`
        : html`<div class="table-wrap"><table class="data workloads">
          <caption class="sr-only">Running containers</caption>
          <thead><tr><th scope="col">Workload</th><th scope="col" class="hide-sm">Container</th><th scope="col">Image</th><th scope="col">Scan</th>
            <th scope="col">Findings by severity</th></tr></thead>
          <tbody>${list.slice(offset, offset + PAGE).map(
            (w) => html`<tr key=${w.pod_uid + "/" + w.container} data-workload=${w.namespace + "/" + w.workload}>
              <th scope="row">${w.namespace}/${w.workload}<div class="small muted">${w.workload_kind} · pod ${w.pod}<span class="show-sm"> · ${w.container}</span></div></th>
              <td class="hide-sm">${w.container}${w.container_kind && w.container_kind !== "container" ? html` <span class="small muted">(${w.container_kind})</span>` : ""}</td>
              <td class="small break"><span class="mono">${w.image}</span>
                <div class="muted mono" title=${w.digest || ""}>${w.digest ? shortDigest(w.digest) : "digest not reported"}</div></td>
              <td>${w.scanned
                ? html`<a href=${href(["image", w.scanned_digest])}>scanned</a><div class="small muted" title=${fmtTime(w.scanned_at)}>${ago(w.scanned_at)}</div>`
                : html`<span class="nc-badge" data-testid="not-scanned">Not covered: never scanned</span>`}</td>
              <td>${w.scanned
                ? html`<${Counts} sev=${w.severities || {}} /> <span class="small muted">(${w.vulnerabilities})</span>`
                : html`<span class="muted">unknown</span>`}</td>
            </tr>`,
          )}</tbody></table></div>
          <${Pager} offset=${offset} size=${PAGE} total=${list.length} onGo=${setOffset} label="Pages of workloads" />`}`}`;
}
