import { api } from "./api.js";
import { html, useLoad, ErrorNote, Loading, href, shortDigest, SEVERITIES, sevClass, CsvButton } from "./util.js";
import { SeverityChart, LineChart, DayBars, sevColor } from "./charts.js";

const sum = (m) => Object.values(m || {}).reduce((a, b) => a + b, 0);

const UNCOVERED_CSV = [
  ["registry", (u) => u.registry],
  ["repository", (u) => u.repository],
  ["tag", (u) => u.tag],
  ["digest", (u) => u.digest],
  ["not_covered", (u) => u.not_covered],
  ["packages", (u) => u.packages],
];

const FIXABLE_CSV = [
  ["id", (f) => f.id],
  ["severity", (f) => f.severity],
  ["images", (f) => f.images],
  ["packages", (f) => f.packages],
];

const DAYS_CSV = [
  ["day", (d) => d.day],
  ["images", (d) => d.images],
  ["not_covered", (d) => d.not_covered],
  ["scans", (d) => d.scans],
  ...SEVERITIES.map((s) => [s.toLowerCase(), (d) => (d.severities || {})[s] || 0]),
  ["fixable", (d) => sum(d.fixable)],
];

// OverviewPage is the fleet at a glance: totals, what the database does
// not cover, what to fix first, and how it changes from day to day.
export function OverviewPage() {
  const { data: ov, error } = useLoad(() => api("/api/v1/console/overview"), [], 15000);
  if (error && !ov) return html`<div class="page-head"><h1>Overview</h1></div><${ErrorNote} error=${error} />`;
  if (!ov) return html`<div class="page-head"><h1>Overview</h1></div><${Loading} />`;
  const findings = sum(ov.severities);
  const fixable = sum(ov.fixable);
  // Days as chart samples: a time and one number per series.
  const samples = ov.days.map((d) => ({
    time: d.day + "T12:00:00Z",
    scans: d.scans,
    not_covered: d.not_covered,
    ...Object.fromEntries(SEVERITIES.map((s) => [s, (d.severities || {})[s] || 0])),
  }));
  const dayFmt = (t) => new Date(t).toLocaleDateString([], { month: "short", day: "numeric" });
  return html`
    <div class="page-head"><h1>Overview</h1></div>
    <${ErrorNote} error=${error} />
    <ul class="tiles" aria-label="Fleet totals">
      <li class="tile"><a href="#/images"><span class="n">${ov.images}</span></a><span class="l">images scanned</span></li>
      <li class="tile"><a href="#/hosts"><span class="n">${ov.hosts}</span></a><span class="l">hosts scanned</span></li>
      <li class="tile"><span class="n">${findings}</span><span class="l">findings, ${fixable} with a fix</span></li>
      <li class=${"tile" + (ov.not_covered ? " alert" : "")}><a href=${href(["images"], { coverage: "not_covered" })}><span class="n" data-testid="not-covered">${ov.not_covered}</span></a>
        <span class="l">images not covered by the database: their counts are incomplete</span></li>
      ${ov.coverage_unknown > 0 &&
      html`<li class="tile"><a href=${href(["images"], { coverage: "unknown" })}><span class="n">${ov.coverage_unknown}</span></a><span class="l">images whose coverage is unknown</span></li>`}
    </ul>
    <div class="two-col">
      <${SeverityChart} counts=${ov.severities} fixable=${ov.fixable} title="Findings in all images by severity" />
      <${DayBars} days=${ov.days} valueKey="scans" title="Scans per day" />
    </div>
    <${LineChart} samples=${samples} title="Findings by severity, per day" timeFmt=${dayFmt}
      series=${SEVERITIES.filter((s) => samples.some((p) => p[s] > 0)).map((s) => ({ key: s, label: s.toLowerCase(), color: sevColor(s) }))} />
    ${samples.length < 2 && html`<p class="hint">Trends start with the day this controller first recorded its totals; come back tomorrow.</p>`}

    <div class="list-tools"><h2>Most widespread fixable findings</h2>
      <${CsvButton} name="fixable-findings" columns=${FIXABLE_CSV} rows=${() => ov.top_fixable} /></div>
    ${ov.top_fixable.length === 0
      ? html`<p class="empty">No finding with a fixed version.</p>`
      : html`<div class="table-wrap"><table class="data top-fixable">
      <caption class="sr-only">Vulnerabilities with a fix, by how many images carry them</caption>
      <thead><tr><th scope="col">Vulnerability</th><th scope="col">Severity</th><th scope="col" class="num">Images</th><th scope="col">Packages</th></tr></thead>
      <tbody>${ov.top_fixable.map(
        (f) => html`<tr key=${f.id}><th scope="row"><a href=${href(["vulnerabilities", f.id])}>${f.id}</a></th>
          <td><span class=${sevClass(f.severity)}>${f.severity}</span></td><td class="num">${f.images}</td><td>${f.packages.join(", ")}</td></tr>`,
      )}</tbody></table></div>`}

    <div class="list-tools"><h2>Images not covered by the database</h2>
      <${CsvButton} name="not-covered-images" columns=${UNCOVERED_CSV} rows=${() => ov.uncovered} /></div>
    ${ov.uncovered.length === 0
      ? html`<p class="empty">The database covers every scanned image's OS and ecosystems.</p>`
      : html`<div class="table-wrap"><table class="data uncovered">
      <caption class="sr-only">Images whose OS release or ecosystems the database has no data for</caption>
      <thead><tr><th scope="col">Image</th><th scope="col">No data for</th><th scope="col" class="num">Packages</th></tr></thead>
      <tbody>${ov.uncovered.map(
        (u) => html`<tr key=${u.registry + u.repository + u.digest}><th scope="row"><a href=${href(["image", u.digest])}>${u.repository}:${u.tag}</a>
          <div class="small muted mono">${u.registry} · ${shortDigest(u.digest)}</div></th>
          <td><span class="nc-badge">${u.not_covered.join(", ")}</span></td><td class="num">${u.packages}</td></tr>`,
      )}</tbody></table></div>`}
    <div class="list-tools"><h2>Daily totals</h2><${CsvButton} name="daily-totals" columns=${DAYS_CSV} rows=${() => ov.days} /></div>
    <div class="table-wrap"><table class="data days">
      <caption class="sr-only">Totals per day, newest first</caption>
      <thead><tr><th scope="col">Day</th><th scope="col" class="num">Scans</th><th scope="col" class="num">Images</th>
        <th scope="col" class="num">Not covered</th><th scope="col" class="num">Findings</th><th scope="col" class="num hide-sm">With a fix</th></tr></thead>
      <tbody>${[...ov.days].reverse().map(
        (d) => html`<tr key=${d.day}><th scope="row">${d.day}</th><td class="num">${d.scans}</td><td class="num">${d.images}</td>
          <td class="num">${d.not_covered}</td><td class="num">${sum(d.severities)}</td><td class="num hide-sm">${sum(d.fixable)}</td></tr>`,
      )}</tbody></table></div>`;
}
