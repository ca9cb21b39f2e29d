// Running workloads (GET /api/v1/workloads, recorded by a controller
// started with --watch-pods): which containers run which image, whether
// that image has a stored scan, and its findings. Answers "which running
// workloads carry CVE-X" and "what runs that is not covered".
//
// The list is paged by the API (?limit= and the after= cursor of the
// Link header's rel="next"), so a page costs its length however many
// containers run; a page that has a next one says so, and the CSV export
// reads every page, so neither ever passes a part for the whole.
import { useState } from "preact/hooks";
import { api, qs } from "./api.js";
import { html, useSynced, useLoad, ErrorNote, Loading, ago, fmtTime, shortDigest, href, navigate, CsvButton, SEVERITIES } from "./util.js";
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

// nextCursor is the after= cursor of a Link header's rel="next" target,
// "" when the answer was the last page.
export function nextCursor(link) {
  for (const part of (link || "").split(",")) {
    const m = /<([^>]*)>\s*;\s*rel="?next"?/.exec(part);
    if (m) return new URL(m[1], location.origin).searchParams.get("after") || "";
  }
  return "";
}

// loadPage reads one page of at most size containers after the cursor.
async function loadPage(q, after, size) {
  const res = await api("/api/v1/workloads" + qs({ ...q, limit: size, after }), { raw: true });
  return { rows: await res.json(), next: nextCursor(res.headers.get("Link")) };
}

// loadAll follows the pages to the last (the CSV export).
async function loadAll(q) {
  const out = [];
  let after = "";
  for (;;) {
    const { rows, next } = await loadPage(q, after, 1000);
    out.push(...rows);
    if (!next || next === after) return out;
    after = next;
  }
}

const SCANNED = [
  ["", "All"],
  ["false", "Not covered (never scanned)"],
  ["true", "Scanned"],
];

export function WorkloadsPage({ query }) {
  const q = { namespace: query.namespace || "", cve: (query.cve || "").trim(), scanned: query.scanned || "" };
  const key = JSON.stringify(q);
  // The page is the cursor after (the first page's is "") and trail the
  // cursors of the pages before it, for Previous; other filters start
  // again at the first page.
  const [pg, setPg] = useState({ key, trail: [], after: "" });
  const cur = pg.key === key ? pg : { key, trail: [], after: "" };
  const { data, error, loading } = useLoad(() => loadPage(q, cur.after, PAGE), [key, cur.after], 15000);
  const [ns, setNs] = useSynced(q.namespace);
  const [cve, setCve] = useSynced(q.cve);
  const go = (changes) => navigate(["workloads"], { ...q, ...changes });
  const list = data ? data.rows : [];
  const more = !!(data && data.next);
  const pageNo = cur.trail.length + 1;
  const paged = more || pageNo > 1;
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
        }${q.namespace ? " in " + q.namespace : ""}${paged ? " on page " + pageNo : ""}${
          !q.scanned && unscanned > 0
            ? html`, <a href=${href(["workloads"], { ...q, scanned: "false" })}><strong>${unscanned}</strong> not covered</a> (never scanned)`
            : ""
        }${more ? html`; <strong>more on the next page</strong>` : ""}${loading ? " (refreshing…)" : ""}</p>
        ${(list.length > 0 || more) && html`<${CsvButton} name="workloads" columns=${CSV} rows=${() => loadAll(q)} />`}
      </div>
      ${list.length === 0
        ? html`<p class="empty">${
            more
              ? "None on this page: the filters left out every container of it. Go on to the next page."
              : filtered || pageNo > 1
                ? "No running container matches."
                : "No running containers are recorded. The controller records them only when started as scanfleet-controller with --watch-pods (and RBAC to list and watch Pods)."
          }</p>`
        : html`<div class="table-wrap"><table class="data workloads">
          <caption class="sr-only">Running containers</caption>
          <thead><tr><th scope="col">Workload</th><th scope="col" class="hide-sm">Container</th><th scope="col">Image</th><th scope="col">Scan</th>
            <th scope="col">Findings by severity</th></tr></thead>
          <tbody>${list.map(
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
          )}</tbody></table></div>`}
      ${paged &&
      html`<nav class="pager" aria-label="Pages of workloads">
        <button type="button" disabled=${pageNo === 1} onClick=${() =>
          setPg({ key, trail: cur.trail.slice(0, -1), after: cur.trail[cur.trail.length - 1] || "" })}>Previous</button>
        <span>Page ${pageNo}</span>
        <button type="button" disabled=${!more || loading} onClick=${() => setPg({ key, trail: [...cur.trail, cur.after], after: data.next })}>Next</button>
      </nav>`}`}`;
}
