import { useMemo, useState } from "preact/hooks";
import { api, download, qs } from "./api.js";
import { html, useLoad, fmtTime, fmtBytes, shortDigest, ErrorNote, Loading, href, SEVERITIES, sevClass, CsvButton, Pager } from "./util.js";
import { SeverityChart } from "./charts.js";

const TABS = [
  ["findings", "Findings"],
  ["layers", "Layers"],
  ["packages", "Packages"],
];

const FORMATS = [
  ["json", "JSON"],
  ["sarif", "SARIF"],
  ["cyclonedx", "CycloneDX"],
  ["spdx", "SPDX"],
];

function refLink(v) {
  const refs = v.references || [];
  const first = refs.find((r) => /^https:\/\//.test(r));
  if (first) return first;
  if (/^CVE-/.test(v.id)) return "https://nvd.nist.gov/vuln/detail/" + v.id;
  if (/^GHSA-/.test(v.id)) return "https://github.com/advisories/" + v.id;
  if (/^GO-/.test(v.id)) return "https://pkg.go.dev/vuln/" + v.id;
  return "https://osv.dev/vulnerability/" + v.id;
}

const FINDINGS_PAGE = 50;

// Kev and Epss are the exploitation signals of a finding, as badges.
export function Kev({ kev }) {
  if (!kev) return null;
  return html`<span class="badge kev" title=${"In CISA's Known Exploited Vulnerabilities catalog since " + kev.date_added +
    (kev.due_date ? ", remediation due " + kev.due_date : "") + (kev.known_ransomware_use ? "; used by ransomware" : "")}>KEV</span>`;
}

export function Epss({ epss }) {
  if (!epss) return null;
  const pct = (epss.score * 100).toFixed(epss.score < 0.1 ? 1 : 0);
  return html`<span class="badge epss" title=${`EPSS ${pct}% probability of exploitation in the next 30 days (percentile ${Math.round(epss.percentile * 100)}, ${epss.date})`}>EPSS ${pct}%</span>`;
}

// cvssList lists a finding's scored vectors, best source first as given.
export function CvssList({ cvss }) {
  if (!cvss || !cvss.length) return html`<span class="muted">none given</span>`;
  return html`<ul class="refs">${cvss.map(
    (c) => html`<li><strong>${c.score.toFixed(1)}</strong> CVSS ${c.version}${c.source ? " (" + c.source + ")" : ""} <span class="mono small">${c.vector}</span></li>`,
  )}</ul>`;
}

export function RefList({ refs }) {
  if (!refs || !refs.length) return html`<span class="muted">none</span>`;
  // Only web links are links: a reference comes from an advisory feed.
  return html`<ul class="refs">${refs.map((r) =>
    /^https?:\/\//i.test(r) ? html`<li><a href=${r} target="_blank" rel="noopener noreferrer">${r}</a></li>` : html`<li>${r}</li>`,
  )}</ul>`;
}

// FindingDetail is what a finding says beyond its row: the advisory's
// text, scores and exploitation signals, and where it was found.
function FindingDetail({ v }) {
  return html`<div class="detail-body">
    ${v.title && html`<strong>${v.title}</strong>`}
    ${v.description ? html`<p class="description">${v.description}</p>` : html`<p class="muted">The advisory has no description.</p>`}
    <dl>
      <dt>Severity</dt><dd>${v.severity || "UNKNOWN"}${v.severity_source ? " (from " + v.severity_source + ")" : ""}${
        v.vendor_severity ? ", vendor: " + v.vendor_severity : ""}</dd>
      <dt>CVSS</dt><dd><${CvssList} cvss=${v.cvss} /></dd>
      ${v.kev && html`<dt>Known exploited</dt><dd>in CISA KEV since ${v.kev.date_added}${v.kev.due_date ? ", due " + v.kev.due_date : ""}${
        v.kev.known_ransomware_use ? "; used by ransomware" : ""}</dd>`}
      ${v.epss && html`<dt>EPSS</dt><dd>${(v.epss.score * 100).toFixed(2)}% (percentile ${Math.round(v.epss.percentile * 100)}, ${v.epss.date})</dd>`}
      ${v.package_path && html`<dt>Found in</dt><dd class="mono small">${v.package_path}</dd>`}
      <dt>Source</dt><dd>${v.source || "unknown"}</dd>
      <dt>References</dt><dd><${RefList} refs=${v.references} /></dd>
    </dl>
  </div>`;
}

const FINDING_CSV = [
  ["id", (v) => v.id],
  ["aliases", (v) => v.aliases || []],
  ["severity", (v) => v.severity],
  ["severity_source", (v) => v.severity_source],
  ["title", (v) => v.title],
  ["package", (v) => v.package],
  ["package_type", (v) => v.package_type],
  ["package_path", (v) => v.package_path],
  ["installed_version", (v) => v.installed_version],
  ["fixed_version", (v) => v.fixed_version],
  ["cvss", (v) => (v.cvss || []).map((c) => c.score + " " + c.vector).join(" ")],
  ["kev", (v) => (v.kev ? v.kev.date_added : "")],
  ["epss", (v) => (v.epss ? v.epss.score : "")],
  ["layer", (v) => v.layer],
];

export function Findings({ rep, name }) {
  const [text, setText] = useState("");
  const [sev, setSev] = useState("");
  const [fixOnly, setFixOnly] = useState(false);
  const [kevOnly, setKevOnly] = useState(false);
  const [offset, setOffset] = useState(0);
  const [open, setOpen] = useState({});
  const vulns = rep.vulnerabilities || [];
  const shown = useMemo(() => {
    const t = text.trim().toLowerCase();
    return vulns
      .filter(
        (v) =>
          (!sev || (v.severity || "").toUpperCase() === sev) &&
          (!fixOnly || v.fixed_version) &&
          (!kevOnly || v.kev) &&
          (!t || (v.id + " " + (v.aliases || []).join(" ") + " " + v.package + " " + (v.title || "")).toLowerCase().includes(t)),
      )
      .sort(
        (a, b) =>
          SEVERITIES.indexOf((a.severity || "UNKNOWN").toUpperCase()) - SEVERITIES.indexOf((b.severity || "UNKNOWN").toUpperCase()) ||
          (b.kev ? 1 : 0) - (a.kev ? 1 : 0) ||
          a.id.localeCompare(b.id),
      );
  }, [vulns, text, sev, fixOnly, kevOnly]);
  // A filter change starts again at the first page.
  const filter = (set) => (v) => {
    set(v);
    setOffset(0);
  };
  const page = shown.slice(offset, offset + FINDINGS_PAGE);
  const hasKev = vulns.some((v) => v.kev);
  return html`
    <form class="filters" role="search" aria-label="Filter findings" onSubmit=${(e) => e.preventDefault()}>
      <div class="field grow">
        <label for="v-q">Find</label>
        <input id="v-q" type="search" placeholder="CVE, package or title" value=${text} onInput=${(e) => filter(setText)(e.currentTarget.value)} />
      </div>
      <div class="field">
        <label for="v-sev">Severity</label>
        <select id="v-sev" value=${sev} onChange=${(e) => filter(setSev)(e.currentTarget.value)}>
          <option value="">Any</option>
          ${SEVERITIES.map((s) => html`<option value=${s}>${s[0] + s.slice(1).toLowerCase()}</option>`)}
        </select>
      </div>
      <div class="field check">
        <input id="v-fix" type="checkbox" checked=${fixOnly} onChange=${(e) => filter(setFixOnly)(e.currentTarget.checked)} />
        <label for="v-fix">Only with a fix</label>
      </div>
      ${hasKev &&
      html`<div class="field check">
        <input id="v-kev" type="checkbox" checked=${kevOnly} onChange=${(e) => filter(setKevOnly)(e.currentTarget.checked)} />
        <label for="v-kev">Only known exploited</label>
      </div>`}
    </form>
    <div class="list-tools">
      <p role="status" class="muted" id="findings-count">${shown.length} of ${vulns.length} findings</p>
      <${CsvButton} name=${name + "-findings"} columns=${FINDING_CSV} rows=${() => shown} />
    </div>
    ${shown.length > 0 &&
    html`<div class="table-wrap"><table class="data findings">
      <caption class="sr-only">Findings, worst first</caption>
      <thead><tr><th scope="col">Severity</th><th scope="col">Vulnerability</th><th scope="col">Package</th>
        <th scope="col">Installed → fixed</th><th scope="col" class="hide-sm">Layer</th><th scope="col"><span class="sr-only">Details</span></th></tr></thead>
      <tbody>
        ${page.map((v, i) => {
          const key = v.id + "|" + v.package + "|" + v.installed_version + "|" + (v.package_path || "") + "|" + (offset + i);
          const isOpen = !!open[key];
          return html`<tr key=${key}>
            <td><span class=${sevClass((v.severity || "").toUpperCase())}>${v.severity || "UNKNOWN"}</span>
              ${v.severity_source && html`<div class="small muted">${v.severity_source}</div>`}</td>
            <th scope="row">
              <a href=${href(["vulnerabilities", v.id])}>${v.id}</a>
              <a class="ext" href=${refLink(v)} target="_blank" rel="noopener noreferrer" aria-label=${"Advisory for " + v.id + " (opens a new tab)"}>↗</a>
              <${Kev} kev=${v.kev} /><${Epss} epss=${v.epss} />
              ${v.title && html`<div class="title-line" title=${v.title}>${v.title}</div>`}
              ${(v.aliases || []).length > 0 && html`<div class="small muted">${v.aliases.join(", ")}</div>`}
            </th>
            <td>${v.package}${v.package_type && html` <span class="muted small">${v.package_type}</span>`}</td>
            <td class="mono small">${v.installed_version} → ${v.fixed_version ? html`<strong>${v.fixed_version}</strong>` : html`<span class="nofix">no fix</span>`}</td>
            <td class="hide-sm small">${v.layer ? html`<span class="mono">${shortDigest(v.layer)}</span>` : ""}
              ${v.layer_created_by && html`<div class="created-by" title=${v.layer_created_by}>${v.layer_created_by}</div>`}</td>
            <td><button type="button" class="small" aria-expanded=${isOpen ? "true" : "false"} aria-controls=${"d-" + (offset + i)}
              aria-label=${(isOpen ? "Hide details of " : "Show details of ") + v.id + " in " + v.package}
              onClick=${() => setOpen({ ...open, [key]: !isOpen })}>${isOpen ? "Hide" : "Details"}</button></td>
          </tr>
          ${isOpen && html`<tr class="detail" key=${key + "-d"} id=${"d-" + (offset + i)}><td colspan="6"><${FindingDetail} v=${v} /></td></tr>`}`;
        })}
      </tbody>
    </table></div>
    <${Pager} offset=${offset} size=${FINDINGS_PAGE} total=${shown.length} onGo=${setOffset} label="Pages of findings" />`}`;
}

function Layers({ rep }) {
  const layers = rep.image?.layers || [];
  const byLayer = (list) => {
    const m = {};
    for (const x of list || []) m[x.layer] = (m[x.layer] || 0) + 1;
    return m;
  };
  const pk = byLayer(rep.packages);
  const vu = byLayer(rep.vulnerabilities);
  if (!layers.length) return html`<p class="empty">This report lists no layers.</p>`;
  return html`<ol class="layers">
    ${layers.map(
      (l, i) => html`<li key=${l.digest} class="card">
        <div class="layer-head"><strong>Layer ${i + 1}</strong> <span class="mono small">${shortDigest(l.digest)}</span>
          <span class="muted small">${fmtBytes(l.size)}</span></div>
        <pre class="created-by-full">${l.created_by || "(no history entry)"}</pre>
        <p class="small">${pk[l.digest] || 0} packages introduced · ${vu[l.digest] || 0} findings</p>
      </li>`,
    )}
  </ol>`;
}

const PACKAGE_CSV = [
  ["name", (p) => p.name],
  ["version", (p) => p.version],
  ["type", (p) => p.type],
  ["path", (p) => p.path],
  ["layer", (p) => p.layer],
  ["purl", (p) => p.purl],
];

export function Packages({ rep, name }) {
  const [text, setText] = useState("");
  const [limit, setLimit] = useState(200);
  const pkgs = rep.packages || [];
  const t = text.trim().toLowerCase();
  const shown = pkgs.filter((p) => !t || (p.name + " " + p.version + " " + p.type).toLowerCase().includes(t));
  return html`
    <form class="filters" role="search" aria-label="Filter packages" onSubmit=${(e) => e.preventDefault()}>
      <div class="field grow">
        <label for="p-q">Find a package</label>
        <input id="p-q" type="search" value=${text} onInput=${(e) => setText(e.currentTarget.value)} />
      </div>
    </form>
    <div class="list-tools">
      <p role="status" class="muted">${shown.length} of ${pkgs.length} packages</p>
      <${CsvButton} name=${name + "-packages"} columns=${PACKAGE_CSV} rows=${() => shown} />
    </div>
    <div class="table-wrap"><table class="data">
      <caption class="sr-only">Packages</caption>
      <thead><tr><th scope="col">Name</th><th scope="col">Version</th><th scope="col">Type</th><th scope="col" class="hide-sm">Path</th><th scope="col" class="hide-sm">Layer</th></tr></thead>
      <tbody>
        ${shown.slice(0, limit).map(
          (p, i) => html`<tr key=${i}>
            <th scope="row">${p.name}</th><td class="mono small">${p.version}</td><td>${p.type}</td>
            <td class="hide-sm small mono">${p.path}</td><td class="hide-sm small mono">${shortDigest(p.layer)}</td>
          </tr>`,
        )}
      </tbody>
    </table></div>
    ${shown.length > limit && html`<button type="button" onClick=${() => setLimit(limit + 500)}>Show more (${shown.length - limit} left)</button>`}`;
}

export function ImagePage({ digest, query }) {
  const { data: rep, error } = useLoad(() => api("/api/v1/images/" + encodeURIComponent(digest)), [digest]);
  // The report names the image by digest; the image list knows its
  // repositories and tags.
  const { data: names } = useLoad(
    () =>
      api("/api/v1/console/images" + qs({ q: digest, limit: 20, sort: "reference" })).then((p) =>
        p.items.filter((i) => i.digest === digest),
      ),
    [digest],
  );
  const [tab, setTab] = useState(query.tab || "findings");
  const [dlError, setDlError] = useState(null);
  const counts = useMemo(() => {
    const c = {};
    const f = {};
    for (const v of rep?.vulnerabilities || []) {
      const s = (v.severity || "UNKNOWN").toUpperCase();
      c[s] = (c[s] || 0) + 1;
      if (v.fixed_version) f[s] = (f[s] || 0) + 1;
    }
    return { c, f };
  }, [rep]);
  if (error) return html`<h1>Image</h1><${ErrorNote} error=${error} />`;
  // Every tag of the digest, in every repository it was stored under.
  const refs = (names || []).flatMap((n) => (n.tags && n.tags.length ? n.tags : [n.tag]).map((t) => n.registry + "/" + n.repository + ":" + t));
  const title = names && names.length ? names[0].repository + ":" + names[0].tag : (rep && rep.image?.reference) || digest;
  const fileName = (names && names.length ? names[0].repository + "-" + names[0].tag : shortDigest(digest)).replace(/[^A-Za-z0-9._-]+/g, "_");
  if (!rep) return html`<h1>Image</h1><${Loading} />`;
  const im = rep.image || {};
  const os = rep.os ? rep.os.pretty_name || rep.os.id + " " + (rep.os.version_id || "") : "unknown";
  const notCovered = (rep.coverage || []).filter((c) => !c.covered);
  const onKey = (e) => {
    const i = TABS.findIndex(([k]) => k === tab);
    let n = -1;
    if (e.key === "ArrowRight") n = (i + 1) % TABS.length;
    if (e.key === "ArrowLeft") n = (i + TABS.length - 1) % TABS.length;
    if (n >= 0) {
      e.preventDefault();
      setTab(TABS[n][0]);
      document.getElementById("tab-" + TABS[n][0]).focus();
    }
  };
  return html`
    <nav class="crumbs" aria-label="Breadcrumb"><a href="#/images">Images</a> ›</nav>
    <h1 class="break">${title}</h1>
    ${refs.length > 0 && html`<p class="muted small" id="image-tags">${refs.join(", ")}</p>`}
    <p class="mono small break">${im.digest || digest}</p>
    <dl class="facts">
      <div><dt>OS</dt><dd>${os}</dd></div>
      ${im.platform && html`<div><dt>Platform</dt><dd>${im.platform}</dd></div>`}
      <div><dt>Scanned</dt><dd>${fmtTime(rep.scanned_at)}</dd></div>
      <div><dt>Packages</dt><dd>${(rep.packages || []).length}</dd></div>
      <div><dt>Findings</dt><dd>${(rep.vulnerabilities || []).length}</dd></div>
      ${rep.db && html`<div><dt>Database</dt><dd><span class="mono small">${shortDigest(rep.db.digest)}</span><div class="small muted">built ${fmtTime(rep.db.built_at)}</div></dd></div>`}
    </dl>
    ${notCovered.length > 0 &&
    html`<p class="warn" role="note">Not covered by the database: ${notCovered.map((c) => c.ecosystem + " (" + c.packages + " packages)").join(", ")} — findings for these are unknown, not absent.</p>`}
    <div class="downloads" role="group" aria-label="Download the report">
      <span>Download report:</span>
      ${FORMATS.map(
        ([f, label]) => html`<button type="button" class="small" onClick=${() => {
          setDlError(null);
          download(`/api/v1/images/${encodeURIComponent(digest)}/report?format=${f}`, "report." + f).catch(setDlError);
        }}>${label}</button>`,
      )}
    </div>
    <${ErrorNote} error=${dlError} />
    <${SeverityChart} counts=${counts.c} fixable=${counts.f} />
    <div class="tabs" role="tablist" aria-label="Report sections" onKeyDown=${onKey}>
      ${TABS.map(
        ([k, label]) => html`<button type="button" role="tab" id=${"tab-" + k} aria-controls=${"panel-" + k}
          aria-selected=${tab === k ? "true" : "false"} tabindex=${tab === k ? 0 : -1} onClick=${() => setTab(k)}>${label}</button>`,
      )}
    </div>
    <section role="tabpanel" id=${"panel-" + tab} aria-labelledby=${"tab-" + tab} class="panel">
      ${tab === "findings" && html`<${Findings} rep=${rep} name=${fileName} />`}
      ${tab === "layers" && html`<${Layers} rep=${rep} />`}
      ${tab === "packages" && html`<${Packages} rep=${rep} name=${fileName} />`}
    </section>`;
}
