import { useState } from "preact/hooks";
import { api } from "./api.js";
import { html, useLoad, ErrorNote, Loading, href, ago, fmtTime, shortDigest, SEVERITIES, CsvButton, CoverageBadge, saveFile } from "./util.js";
import { Counts } from "./images.js";
import { Findings, Packages } from "./image.js";
import { SeverityChart } from "./charts.js";

const HOSTS_CSV = [
  ["name", (h) => h.name],
  ["hostname", (h) => h.hostname],
  ["os", (h) => h.os],
  ["kernel", (h) => h.kernel],
  ["root", (h) => h.root],
  ["coverage", (h) => h.coverage],
  ["not_covered", (h) => h.not_covered || []],
  ["packages", (h) => h.packages],
  ["vulnerabilities", (h) => h.vulnerabilities],
  ...SEVERITIES.map((s) => [s.toLowerCase(), (h) => (h.severities || {})[s] || 0]),
  ["scanned_by", (h) => h.scanned_by],
  ["scanned_at", (h) => h.scanned_at],
];

// HostsPage lists the machines whose root filesystems were scanned
// (`scanfleet host … --controller`).
export function HostsPage() {
  const { data, error } = useLoad(() => api("/api/v1/console/hosts"), [], 15000);
  return html`
    <div class="page-head"><h1>Hosts</h1></div>
    <${ErrorNote} error=${error} />
    ${!data && !error && html`<${Loading} />`}
    ${data &&
    (data.length === 0
      ? html`<p class="empty">No host has sent a scan yet. Run <code>scanfleet host --controller URL</code> on a machine (or in a container with <code>--root /proc/1/root</code>).</p>`
      : html`
      <div class="list-tools"><p role="status"><strong>${data.length}</strong> host${data.length === 1 ? "" : "s"}${
        data.some((h) => h.coverage === "not_covered") ? html`, <strong>${data.filter((h) => h.coverage === "not_covered").length}</strong> not covered` : ""
      }</p><${CsvButton} name="hosts" columns=${HOSTS_CSV} rows=${() => data} /></div>
      <div class="table-wrap"><table class="data hosts">
        <caption class="sr-only">Scanned hosts</caption>
        <thead><tr><th scope="col">Host</th><th scope="col" class="hide-sm">OS · kernel</th><th scope="col">Findings by severity</th>
          <th scope="col" class="num hide-sm">Packages</th><th scope="col" class="hide-sm">Last scan</th></tr></thead>
        <tbody>${data.map(
          (h) => html`<tr key=${h.name}>
            <th scope="row"><a href=${href(["host", h.name])}>${h.name}</a>
              ${h.hostname !== h.name && html`<div class="small muted">${h.hostname}</div>`}
              <div class="small muted mono">${h.root}</div></th>
            <td class="hide-sm">${h.os || html`<span class="muted">unknown</span>`}${h.kernel && html`<div class="small muted">kernel ${h.kernel}</div>`}</td>
            <td><${Counts} sev=${h.severities} coverage=${h.coverage} notCovered=${h.not_covered} /></td>
            <td class="num hide-sm">${h.packages}</td>
            <td class="hide-sm" title=${h.scanned_at}>${ago(h.scanned_at)}<div class="small muted">${h.scanned_by}</div></td>
          </tr>`,
        )}</tbody>
      </table></div>`)}`;
}

const TABS = [
  ["findings", "Findings"],
  ["packages", "Packages"],
];

// HostPage is one host's latest report.
export function HostPage({ name }) {
  const { data: rep, error } = useLoad(() => api("/api/v1/hosts/" + encodeURIComponent(name)), [name]);
  const [tab, setTab] = useState("findings");
  const crumbs = html`<nav class="crumbs" aria-label="Breadcrumb"><a href="#/hosts">Hosts</a> ›</nav>`;
  if (error) return html`${crumbs}<h1 class="break">${name}</h1><${ErrorNote} error=${error} />`;
  if (!rep) return html`${crumbs}<h1 class="break">${name}</h1><${Loading} />`;
  const h = rep.host || {};
  const os = rep.os ? rep.os.pretty_name || rep.os.id + " " + (rep.os.version_id || "") : "unknown";
  const notCovered = (rep.coverage || []).filter((c) => !c.covered);
  const c = {};
  const f = {};
  for (const v of rep.vulnerabilities || []) {
    const s = (v.severity || "UNKNOWN").toUpperCase();
    c[s] = (c[s] || 0) + 1;
    if (v.fixed_version) f[s] = (f[s] || 0) + 1;
  }
  const file = name.replace(/[^A-Za-z0-9._-]+/g, "_");
  return html`
    ${crumbs}
    <h1 class="break">${name}</h1>
    <dl class="facts">
      <div><dt>Hostname</dt><dd>${h.hostname || "unknown"}</dd></div>
      <div><dt>OS</dt><dd>${os}</dd></div>
      ${h.kernel && html`<div><dt>Kernel</dt><dd>${h.kernel}</dd></div>`}
      <div><dt>Root</dt><dd class="mono small">${h.root}</dd></div>
      <div><dt>Scanned</dt><dd>${fmtTime(rep.scanned_at)}</dd></div>
      <div><dt>Packages</dt><dd>${(rep.packages || []).length}</dd></div>
      ${rep.db && html`<div><dt>Database</dt><dd><span class="mono small">${shortDigest(rep.db.digest)}</span></dd></div>`}
    </dl>
    ${notCovered.length > 0 &&
    html`<p class="warn" role="note">Not covered by the database: ${notCovered.map((x) => x.ecosystem + " (" + x.packages + " packages)").join(", ")} — findings for these are unknown, not absent.</p>`}
    ${!rep.coverage && (rep.packages || []).length > 0 && html`<p class="note"><${CoverageBadge} coverage="unknown" /></p>`}
    <div class="downloads"><button type="button" class="small" onClick=${() => saveFile(file + ".json", JSON.stringify(rep, null, 2), "application/json")}>Download report (JSON)</button></div>
    <${SeverityChart} counts=${c} fixable=${f} />
    <div class="tabs" role="tablist" aria-label="Report sections">
      ${TABS.map(
        ([k, label]) => html`<button type="button" role="tab" id=${"tab-" + k} aria-controls=${"panel-" + k}
          aria-selected=${tab === k ? "true" : "false"} tabindex=${tab === k ? 0 : -1} onClick=${() => setTab(k)}>${label}</button>`,
      )}
    </div>
    <section role="tabpanel" id=${"panel-" + tab} aria-labelledby=${"tab-" + tab} class="panel">
      ${tab === "findings" && html`<${Findings} rep=${rep} name=${file} />`}
      ${tab === "packages" && html`<${Packages} rep=${rep} name=${file} />`}
    </section>`;
}
