import { api, qs } from "./api.js";
import { useState } from "preact/hooks";
import { html, useSynced, useLoad, ago, shortDigest, ErrorNote, Loading, href, navigate, sevClass, CsvButton, Pager } from "./util.js";
import { Kev, Epss, CvssList, RefList } from "./image.js";

const IMAGES_PAGE = 50;

function Detail({ id, role }) {
  const { data: v, error } = useLoad(() => api("/api/v1/vulnerabilities/" + encodeURIComponent(id)), [id]);
  const [offset, setOffset] = useState(0);
  if (error) {
    return html`<h1 class="break">${id}</h1>
      ${error.status === 404 ? html`<p class="empty">No scanned image has ${id}.</p>` : html`<${ErrorNote} error=${error} />`}`;
  }
  if (!v) return html`<h1 class="break">${id}</h1><${Loading} />`;
  return html`
    <h1 class="break">${v.id} <span class=${sevClass(v.severity)}>${v.severity}</span><${Kev} kev=${v.kev} /><${Epss} epss=${v.epss} /></h1>
    ${v.title && html`<p class="vuln-title"><strong>${v.title}</strong></p>`}
    ${v.aliases.length > 0 && html`<p>Also known as ${v.aliases.join(", ")}</p>`}
    ${v.description && html`<p class="description">${v.description}</p>`}
    <dl class="facts vuln-facts">
      <div><dt>Severity</dt><dd>${v.severity}${v.severity_source ? " (from " + v.severity_source + ")" : ""}</dd></div>
      ${v.cvss && v.cvss.length > 0 && html`<div class="wide-fact"><dt>CVSS</dt><dd><${CvssList} cvss=${v.cvss} /></dd></div>`}
      ${v.kev && html`<div><dt>Known exploited</dt><dd>CISA KEV since ${v.kev.date_added}${v.kev.due_date ? ", due " + v.kev.due_date : ""}</dd></div>`}
      ${v.epss && html`<div><dt>EPSS</dt><dd>${(v.epss.score * 100).toFixed(2)}% (percentile ${Math.round(v.epss.percentile * 100)})</dd></div>`}
    </dl>
    ${v.references.length > 0 &&
    html`<details open=${v.references.length <= 5}><summary>References (${v.references.length})</summary><${RefList} refs=${v.references} /></details>`}
    <p class="downloads">
      <a href=${href(["workloads"], { cve: v.id })}>Running workloads carrying ${v.id}</a>
      ${role === "admin" && html` · <a href=${href(["exceptions"], { new: v.id })} data-testid="except-link">Add an exception for ${v.id}…</a>`}
    </p>
    <div class="list-tools">
      <h2>${v.images.length} affected image${v.images.length === 1 ? "" : "s"}</h2>
      <${CsvButton} name=${v.id + "-images"} columns=${AFFECTED_CSV} rows=${() => v.images.flatMap((im) => im.findings.map((f) => ({ im, f })))} />
    </div>
    <div class="table-wrap"><table class="data">
      <caption class="sr-only">Images affected by ${v.id}</caption>
      <thead><tr><th scope="col">Image</th><th scope="col">Package</th><th scope="col">Installed → fixed</th><th scope="col" class="hide-sm">Last scan</th></tr></thead>
      <tbody>
        ${v.images.slice(offset, offset + IMAGES_PAGE).map((im) =>
          im.findings.map(
            (f, i) => html`<tr key=${im.digest + i}>
              ${i === 0 &&
              html`<th scope="row" rowspan=${im.findings.length}>
                <a href=${href(["image", im.digest])}>${im.repository}:${im.tag}</a>
                ${(im.tags || []).filter((t) => t !== im.tag).length > 0 &&
                html`<div class="small">also ${(im.tags || []).filter((t) => t !== im.tag).map((t) => ":" + t).join(", ")}</div>`}
                <div class="small muted mono">${im.registry} · ${shortDigest(im.digest)}</div>
              </th>`}
              <td>${f.package}</td>
              <td class="mono small">${f.installed_version} → ${f.fixed_version ? html`<strong>${f.fixed_version}</strong>` : html`<span class="nofix">no fix</span>`}</td>
              ${i === 0 && html`<td class="hide-sm" rowspan=${im.findings.length}>${ago(im.scanned_at)}</td>`}
            </tr>`,
          ),
        )}
      </tbody>
    </table></div>
    <${Pager} offset=${offset} size=${IMAGES_PAGE} total=${v.images.length} onGo=${setOffset} label="Pages of affected images" />`;
}

const AFFECTED_CSV = [
  ["registry", (r) => r.im.registry],
  ["repository", (r) => r.im.repository],
  ["tags", (r) => (r.im.tags && r.im.tags.length ? r.im.tags : [r.im.tag])],
  ["digest", (r) => r.im.digest],
  ["package", (r) => r.f.package],
  ["installed_version", (r) => r.f.installed_version],
  ["fixed_version", (r) => r.f.fixed_version],
  ["scanned_at", (r) => r.im.scanned_at],
];

const LIST_CSV = [
  ["id", (v) => v.id],
  ["worst_severity", (v) => v.severity],
  ["images", (v) => v.images],
];

export function VulnerabilitiesPage({ id, query, role }) {
  const [text, setText] = useSynced(query.q || id || "");
  const q = query.q || "";
  const { data, error } = useLoad(() => (id ? Promise.resolve(null) : api("/api/v1/vulnerabilities" + qs({ q, limit: 100 }))), [q, id]);
  async function submit(e) {
    e.preventDefault();
    const t = text.trim();
    // An exact ID goes straight to its page.
    if (/^(CVE|GHSA|GO|PYSEC|RUSTSEC|ALSA|DSA|DLA|OSV)-/i.test(t)) {
      try {
        const hits = await api("/api/v1/vulnerabilities" + qs({ q: t, limit: 5 }));
        const exact = hits.find((h) => h.id.toLowerCase() === t.toLowerCase());
        if (exact) return navigate(["vulnerabilities", exact.id]);
      } catch {
        // fall back to the list
      }
    }
    navigate(["vulnerabilities"], { q: t });
  }
  return html`
    ${id
      ? html`<nav class="crumbs" aria-label="Breadcrumb"><a href="#/vulnerabilities">Vulnerabilities</a> ›</nav>`
      : html`<div class="page-head"><h1>Vulnerabilities</h1></div>`}
    <form class="filters" role="search" aria-label="Find a vulnerability" onSubmit=${submit}>
      <div class="field grow">
        <label for="cve-q">Vulnerability ID</label>
        <input id="cve-q" type="search" placeholder="CVE-2024-9143, GHSA-…, GO-…" value=${text} onInput=${(e) => setText(e.currentTarget.value)} />
      </div>
      <button type="submit" class="primary">Find</button>
    </form>
    ${id
      ? html`<${Detail} key=${id} id=${id} role=${role} />`
      : html`
        <${ErrorNote} error=${error} />
        ${!data && !error && html`<${Loading} />`}
        ${data && data.length === 0 && html`<p class="empty">${q ? "No scanned image has a vulnerability matching “" + q + "”." : "No findings stored yet."}</p>`}
        ${data &&
        data.length > 0 &&
        html`<div class="list-tools"><h2>${q ? "Matching vulnerabilities" : "Most widespread vulnerabilities"}</h2>
          <${CsvButton} name="vulnerabilities" columns=${LIST_CSV} rows=${() => api("/api/v1/vulnerabilities" + qs({ q, limit: 1000 }))} /></div>
        <div class="table-wrap"><table class="data">
          <caption class="sr-only">Vulnerabilities and how many images have them</caption>
          <thead><tr><th scope="col">Vulnerability</th><th scope="col">Worst severity</th><th scope="col" class="num">Images</th></tr></thead>
          <tbody>${data.map(
            (v) => html`<tr key=${v.id}><th scope="row"><a href=${href(["vulnerabilities", v.id])}>${v.id}</a></th>
              <td><span class=${sevClass(v.severity)}>${v.severity}</span></td><td class="num">${v.images}</td></tr>`,
          )}</tbody>
        </table></div>`}`}`;
}
