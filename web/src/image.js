import { useMemo, useState } from "preact/hooks";
import { api, download, qs } from "./api.js";
import { html, useLoad, fmtTime, fmtBytes, shortDigest, ErrorNote, Loading, href, SEVERITIES, sevClass } from "./util.js";
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

function Findings({ rep }) {
  const [text, setText] = useState("");
  const [sev, setSev] = useState("");
  const [fixOnly, setFixOnly] = useState(false);
  const vulns = rep.vulnerabilities || [];
  const shown = useMemo(() => {
    const t = text.trim().toLowerCase();
    return vulns
      .filter(
        (v) =>
          (!sev || (v.severity || "").toUpperCase() === sev) &&
          (!fixOnly || v.fixed_version) &&
          (!t || (v.id + " " + (v.aliases || []).join(" ") + " " + v.package).toLowerCase().includes(t)),
      )
      .sort(
        (a, b) =>
          SEVERITIES.indexOf((a.severity || "UNKNOWN").toUpperCase()) - SEVERITIES.indexOf((b.severity || "UNKNOWN").toUpperCase()) ||
          a.id.localeCompare(b.id),
      );
  }, [vulns, text, sev, fixOnly]);
  return html`
    <form class="filters" role="search" aria-label="Filter findings" onSubmit=${(e) => e.preventDefault()}>
      <div class="field grow">
        <label for="v-q">Find</label>
        <input id="v-q" type="search" placeholder="CVE or package" value=${text} onInput=${(e) => setText(e.currentTarget.value)} />
      </div>
      <div class="field">
        <label for="v-sev">Severity</label>
        <select id="v-sev" value=${sev} onChange=${(e) => setSev(e.currentTarget.value)}>
          <option value="">Any</option>
          ${SEVERITIES.map((s) => html`<option value=${s}>${s[0] + s.slice(1).toLowerCase()}</option>`)}
        </select>
      </div>
      <div class="field check">
        <input id="v-fix" type="checkbox" checked=${fixOnly} onChange=${(e) => setFixOnly(e.currentTarget.checked)} />
        <label for="v-fix">Only with a fix</label>
      </div>
    </form>
    <p role="status" class="muted">${shown.length} of ${vulns.length} findings</p>
    ${shown.length > 0 &&
    html`<div class="table-wrap"><table class="data findings">
      <caption class="sr-only">Findings, worst first</caption>
      <thead><tr><th scope="col">Severity</th><th scope="col">Vulnerability</th><th scope="col">Package</th>
        <th scope="col">Installed → fixed</th><th scope="col" class="hide-sm">Layer</th></tr></thead>
      <tbody>
        ${shown.map(
          (v) => html`<tr key=${v.id + v.package + v.installed_version}>
            <td><span class=${sevClass((v.severity || "").toUpperCase())}>${v.severity || "UNKNOWN"}</span></td>
            <th scope="row">
              <a href=${href(["vulnerabilities", v.id])}>${v.id}</a>
              <a class="ext" href=${refLink(v)} target="_blank" rel="noopener noreferrer" aria-label=${"Advisory for " + v.id + " (opens a new tab)"}>↗</a>
              ${(v.aliases || []).length > 0 && html`<div class="small muted">${v.aliases.join(", ")}</div>`}
            </th>
            <td>${v.package}${v.package_type && html` <span class="muted small">${v.package_type}</span>`}</td>
            <td class="mono small">${v.installed_version} → ${v.fixed_version ? html`<strong>${v.fixed_version}</strong>` : html`<span class="nofix">no fix</span>`}</td>
            <td class="hide-sm small">${v.layer ? html`<span class="mono">${shortDigest(v.layer)}</span>` : ""}
              ${v.layer_created_by && html`<div class="created-by" title=${v.layer_created_by}>${v.layer_created_by}</div>`}</td>
          </tr>`,
        )}
      </tbody>
    </table></div>`}`;
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

function Packages({ rep }) {
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
    <p role="status" class="muted">${shown.length} of ${pkgs.length} packages</p>
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
    <h1 class="break">${names && names.length ? names[0].repository + ":" + names[0].tag : im.reference || digest}</h1>
    ${names &&
    names.length > 0 &&
    html`<p class="muted small">${names.map((n, i) => html`${i > 0 ? ", " : ""}${n.registry}/${n.repository}:${n.tag}`)}</p>`}
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
      ${tab === "findings" && html`<${Findings} rep=${rep} />`}
      ${tab === "layers" && html`<${Layers} rep=${rep} />`}
      ${tab === "packages" && html`<${Packages} rep=${rep} />`}
    </section>`;
}
