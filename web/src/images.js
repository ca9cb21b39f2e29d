import { api, qs } from "./api.js";
import { html, useSynced, useLoad, ago, shortDigest, ErrorNote, Loading, href, navigate, SEVERITIES, sevClass, CsvButton, CoverageBadge } from "./util.js";
import { SeverityChart } from "./charts.js";

const PAGE = 50;

const COLUMNS = [
  { key: "repository", label: "Image" },
  { key: "os", label: "OS", cls: "hide-sm" },
  { key: "severity", label: "Findings by severity" },
  { key: "fixable", label: "With a fix", cls: "num" },
  { key: "packages", label: "Packages", cls: "num hide-sm" },
  { key: "scanned_at", label: "Last scan", cls: "hide-sm" },
];

const RUNNING = [
  ["", "Any"],
  ["true", "Running"],
  ["false", "Not running"],
];

const COVERAGE = [
  ["", "Any"],
  ["not_covered", "Not covered"],
  ["covered", "Covered"],
  ["unknown", "Unknown"],
];

// Counts shows an image's findings per severity as small badges. An image
// the database did not cover has unknown findings, never "none".
// Without fix (hosts, workloads) the badges do not claim how many have a fix.
export function Counts({ sev = {}, fix, coverage, notCovered }) {
  const shown = SEVERITIES.filter((s) => sev[s] > 0);
  const nc = html`<${CoverageBadge} coverage=${coverage} notCovered=${notCovered} />`;
  if (!shown.length) return coverage && coverage !== "covered" ? nc : html`<span class="muted">none</span>`;
  return html`<span class="counts">${nc}
    ${shown.map(
      (s) => html`<span class=${sevClass(s)} title=${`${sev[s]} ${s.toLowerCase()}` + (fix ? `, ${fix[s] || 0} with a fix` : "")}>
        <span aria-hidden="true">${s[0]}</span><span class="sr-only">${s.toLowerCase()}</span> ${sev[s]}</span>`,
    )}
  </span>`;
}

export function ImagesPage({ query }) {
  const q = {
    registry: query.registry || "",
    repository: query.repository || "",
    q: query.q || "",
    severity: query.severity || "",
    coverage: query.coverage || "",
    fixable: query.fixable === "true",
    running: query.running === "true" || query.running === "false" ? query.running : "",
    sort: query.sort || "severity",
    order: query.order || "",
    offset: Number(query.offset) || 0,
  };
  const key = JSON.stringify(q);
  const { data, error, loading } = useLoad(
    () => api("/api/v1/console/images" + qs({ ...q, limit: PAGE })),
    [key],
    10000,
  );
  const [text, setText] = useSynced(q.q);
  const go = (changes) => navigate(["images"], { ...q, offset: 0, ...changes });
  const sortBy = (k) => {
    const desc = q.order ? q.order === "desc" : ["severity", "fixable", "packages", "scanned_at"].includes(q.sort);
    go({ sort: k, order: q.sort === k ? (desc ? "asc" : "desc") : "" });
  };
  const ariaSort = (k) => {
    if (q.sort !== k) return undefined;
    const desc = q.order ? q.order === "desc" : ["severity", "fixable", "packages", "scanned_at"].includes(k);
    return desc ? "descending" : "ascending";
  };
  return html`
    <div class="page-head"><h1>Images</h1></div>
    <form class="filters" role="search" aria-label="Filter images" onSubmit=${(e) => {
      e.preventDefault();
      go({ q: text.trim() });
    }}>
      <div class="field">
        <label for="f-registry">Registry</label>
        <select id="f-registry" value=${q.registry} onChange=${(e) => go({ registry: e.currentTarget.value, repository: "" })}>
          <option value="">All</option>
          ${(data?.registries || (q.registry ? [q.registry] : [])).map((r) => html`<option value=${r}>${r}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="f-repo">Repository</label>
        <select id="f-repo" value=${q.repository} onChange=${(e) => go({ repository: e.currentTarget.value })}>
          <option value="">All</option>
          ${(data?.repositories || (q.repository ? [q.repository] : [])).map((r) => html`<option value=${r}>${r}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="f-sev">Has severity</label>
        <select id="f-sev" value=${q.severity} onChange=${(e) => go({ severity: e.currentTarget.value })}>
          <option value="">Any</option>
          ${SEVERITIES.map((s) => html`<option value=${s}>${s[0] + s.slice(1).toLowerCase()}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="f-cov">Coverage</label>
        <select id="f-cov" value=${q.coverage} onChange=${(e) => go({ coverage: e.currentTarget.value })}>
          ${COVERAGE.map(([v, l]) => html`<option value=${v}>${l}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="f-running">Running</label>
        <select id="f-running" value=${q.running} onChange=${(e) => go({ running: e.currentTarget.value })}>
          ${RUNNING.map(([v, l]) => html`<option value=${v}>${l}</option>`)}
        </select>
      </div>
      <div class="field grow">
        <label for="f-q">Search</label>
        <input id="f-q" type="search" placeholder="name, tag, digest or OS" value=${text} onInput=${(e) => setText(e.currentTarget.value)} />
      </div>
      <div class="field check">
        <input id="f-fix" type="checkbox" checked=${q.fixable} onChange=${(e) => go({ fixable: e.currentTarget.checked })} />
        <label for="f-fix">Only with fixes</label>
      </div>
      <button type="submit">Search</button>
    </form>
    <${ErrorNote} error=${error} />
    ${!data && !error && html`<${Loading} />`}
    ${data &&
    html`
      <div class="summary">
        <div class="list-tools">
          <p role="status" aria-live="polite"><strong>${data.total}</strong> image${data.total === 1 ? "" : "s"}${
            data.not_covered > 0
              ? html`, <a href=${href(["images"], { ...q, offset: 0, coverage: "not_covered" })} class="nc-link"><strong>${data.not_covered}</strong> not covered</a> (their counts are incomplete)`
              : ""
          }${data.running > 0 ? html`, <a href=${href(["images"], { ...q, offset: 0, running: "true" })}><strong>${data.running}</strong> running</a>` : ""}${
            loading ? " (refreshing…)" : ""
          }</p>
          <${CsvButton} name="images" columns=${CSV_COLUMNS} rows=${() => allImages(q)} />
        </div>
        ${q.running && data.running_containers === 0 &&
        html`<p class="warn" data-testid="no-running">No running containers are recorded: the controller watches Pods only as
          <code>scanfleet-controller --watch-pods</code>, so “not running” here means “not known to run”.</p>`}
        <${SeverityChart} counts=${data.severities} fixable=${data.fixable} title="Findings in these images by severity" />
      </div>
      ${data.total === 0
        ? html`<p class="empty">No scanned image matches. Add a registry and scan it, or change the filters.</p>`
        : html`<div class="table-wrap"><table class="data images">
        <caption class="sr-only">Scanned images, sorted by ${q.sort}</caption>
        <thead><tr>
          ${COLUMNS.map(
            (c) => html`<th scope="col" class=${c.cls || ""} aria-sort=${ariaSort(c.key)}>
              <button type="button" class="sort" onClick=${() => sortBy(c.key)}>${c.label}<span aria-hidden="true">${
                q.sort === c.key ? (ariaSort(c.key) === "descending" ? " ▼" : " ▲") : ""
              }</span></button></th>`,
          )}
        </tr></thead>
        <tbody>
          ${data.items.map((im) => {
            const fix = Object.values(im.fixable || {}).reduce((a, b) => a + b, 0);
            return html`<tr key=${im.registry + im.repository + im.digest}>
              <th scope="row">
                <a href=${href(["image", im.digest])}>${im.repository}:${im.tag}</a>
                ${im.running && html` <a class="badge running" href=${href(["workloads"], {})} title="A running container uses this image">running</a>`}
                ${(im.tags || []).filter((t) => t !== im.tag).length > 0 &&
                html`<div class="small">also ${(im.tags || []).filter((t) => t !== im.tag).map((t) => ":" + t).join(", ")}</div>`}
                <div class="small muted mono hide-sm">${im.registry} · ${shortDigest(im.digest)}${im.platform ? " · " + im.platform : ""}</div>
              </th>
              <td class="hide-sm">${im.os || html`<span class="muted">unknown</span>`}</td>
              <td><${Counts} sev=${im.severities} fix=${im.fixable} coverage=${im.coverage} notCovered=${im.not_covered} /></td>
              <td class="num">${fix} / ${im.vulnerabilities}${im.coverage === "not_covered" ? html`<span title="not covered: incomplete"> *</span>` : ""}</td>
              <td class="num hide-sm">${im.packages}</td>
              <td class="hide-sm" title=${im.scanned_at}>${ago(im.scanned_at)}</td>
            </tr>`;
          })}
        </tbody>
      </table></div>
      <nav class="pager" aria-label="Pages">
        <button type="button" disabled=${q.offset === 0} onClick=${() => go({ offset: Math.max(0, q.offset - PAGE) })}>Previous</button>
        <span>${q.offset + 1}–${Math.min(data.total, q.offset + PAGE)} of ${data.total}</span>
        <button type="button" disabled=${q.offset + PAGE >= data.total} onClick=${() => go({ offset: q.offset + PAGE })}>Next</button>
      </nav>`}
    `}`;
}

const CSV_COLUMNS = [
  ["registry", (r) => r.registry],
  ["repository", (r) => r.repository],
  ["tags", (r) => (r.tags && r.tags.length ? r.tags : [r.tag]).join(" ")],
  ["digest", (r) => r.digest],
  ["os", (r) => r.os],
  ["coverage", (r) => r.coverage],
  ["not_covered", (r) => (r.not_covered || []).join(" ")],
  ["packages", (r) => r.packages],
  ["vulnerabilities", (r) => r.vulnerabilities],
  ...SEVERITIES.map((s) => [s.toLowerCase(), (r) => (r.severities || {})[s] || 0]),
  ["fixable", (r) => Object.values(r.fixable || {}).reduce((a, b) => a + b, 0)],
  ["scanned_at", (r) => r.scanned_at],
  ["running", (r) => !!r.running],
];

// allImages fetches every page of the filtered list, for export.
async function allImages(q) {
  const out = [];
  for (let offset = 0; ; offset += 500) {
    const p = await api("/api/v1/console/images" + qs({ ...q, offset, limit: 500 }));
    out.push(...p.items);
    if (offset + 500 >= p.total) return out;
  }
}
