import { useState } from "preact/hooks";
import { api } from "./api.js";
import { html, useLoad, ago, shortDigest, ErrorNote, Loading, fmtTime, CsvButton } from "./util.js";

const SCANNER_CSV = [
  ["id", (s) => s.id],
  ["name", (s) => s.name],
  ["state", (s) => s.state],
  ["version", (s) => s.version],
  ["concurrency", (s) => s.concurrency],
  ["current_images", (s) => s.current_images || []],
  ["done", (s) => s.done],
  ["failed", (s) => s.failed],
  ["db_digest", (s) => s.db_digest],
  ["last_seen", (s) => s.last_seen],
];
import { LineChart } from "./charts.js";

function throughput(s) {
  const mins = (new Date(s.last_seen) - new Date(s.registered_at)) / 60000;
  if (!(mins > 0.05) || !s.done) return "—";
  return (s.done / mins).toFixed(1) + "/min";
}

function AutoscalerForm({ cfg, onSaved }) {
  const [v, setV] = useState({ ...cfg });
  const [error, setError] = useState(null);
  async function submit(e) {
    e.preventDefault();
    setError(null);
    try {
      await api("/api/v1/autoscaler", {
        method: "PUT",
        body: { strategy: v.strategy, minScannerPods: Number(v.minScannerPods), maxScannerPods: Number(v.maxScannerPods) },
      });
      onSaved();
    } catch (err) {
      setError(err);
    }
  }
  return html`<form class="inline-form" onSubmit=${submit} aria-label="Auto-scaler settings">
    <div class="field">
      <label for="as-strategy">Strategy</label>
      <select id="as-strategy" value=${v.strategy} onChange=${(e) => setV({ ...v, strategy: e.currentTarget.value })}>
        <option value="delayed">Delayed</option><option value="immediate">Immediate</option><option value="disabled">Disabled</option>
      </select>
    </div>
    <div class="field"><label for="as-min">Min scanners</label>
      <input id="as-min" type="number" min="0" value=${v.minScannerPods} onInput=${(e) => setV({ ...v, minScannerPods: e.currentTarget.value })} /></div>
    <div class="field"><label for="as-max">Max scanners</label>
      <input id="as-max" type="number" min="0" value=${v.maxScannerPods} onInput=${(e) => setV({ ...v, maxScannerPods: e.currentTarget.value })} /></div>
    <button type="submit" class="primary">Apply</button>
    <${ErrorNote} error=${error} />
  </form>`;
}

export function ScannersPage({ role }) {
  const scanners = useLoad(() => api("/api/v1/scanners"), [], 3000);
  const hist = useLoad(() => api("/api/v1/queue/history"), [], 5000);
  const as = useLoad(() => api("/api/v1/autoscaler"), [], 5000);
  const list = (scanners.data || []).slice().sort((a, b) => (a.state === "active" ? 0 : 1) - (b.state === "active" ? 0 : 1));
  const samples = hist.data?.samples || [];
  const now = samples[samples.length - 1];
  return html`
    <div class="page-head"><h1>Scanners</h1></div>
    ${now &&
    html`<ul class="stats" aria-label="Queue now">
      <li><strong>${now.queued}</strong> waiting</li><li><strong>${now.leased}</strong> scanning</li>
      <li><strong>${now.done}</strong> done</li><li><strong>${now.failed}</strong> failed</li>
      <li><strong>${now.scanners}</strong> active scanners</li>
    </ul>`}
    <${ErrorNote} error=${hist.error} />
    <${LineChart} samples=${samples} title="Queue length"
      series=${[
        { key: "queued", label: "waiting", color: "#d2461c" },
        { key: "leased", label: "scanning", color: "#2f6db3" },
        { key: "scanners", label: "scanners", color: "#2e7d32" },
      ]} />
    <div class="list-tools"><h2>Scanners</h2>${list.length > 0 && html`<${CsvButton} name="scanners" columns=${SCANNER_CSV} rows=${() => list} />`}</div>
    <${ErrorNote} error=${scanners.error} />
    ${!scanners.data && !scanners.error && html`<${Loading} />`}
    ${scanners.data && list.length === 0 && html`<p class="empty">No scanner has registered. Start one with <code>scanfleet scanner --controller URL --token TOKEN</code>, or let the auto-scaler start them.</p>`}
    ${list.length > 0 &&
    html`<div class="table-wrap"><table class="data">
      <caption class="sr-only">Registered scanners</caption>
      <thead><tr><th scope="col">Scanner</th><th scope="col">State</th><th scope="col">Current images</th>
        <th scope="col" class="num">Done / failed</th><th scope="col" class="num">Throughput</th><th scope="col" class="hide-sm">Database</th><th scope="col" class="hide-sm">Last seen</th></tr></thead>
      <tbody>${list.map(
        (s) => html`<tr key=${s.id}>
          <th scope="row">${s.name || s.id}<div class="small muted mono">${s.id} · v${s.version} · ×${s.concurrency}</div></th>
          <td><span class=${"state-badge " + s.state}>${s.state}</span></td>
          <td class="small mono">${(s.current_images || []).length ? s.current_images.map((r) => html`<div class="break">${r}</div>`) : html`<span class="muted">idle</span>`}</td>
          <td class="num">${s.done} / ${s.failed}</td>
          <td class="num">${throughput(s)}</td>
          <td class="hide-sm mono small">${s.db_digest ? shortDigest(s.db_digest) : html`<span class="muted">none</span>`}</td>
          <td class="hide-sm" title=${fmtTime(s.last_seen)}>${ago(s.last_seen)}</td>
        </tr>`,
      )}</tbody>
    </table></div>`}
    <h2>Auto-scaler</h2>
    <${ErrorNote} error=${as.error} />
    ${as.data &&
    (as.data.enabled
      ? html`<p>Strategy <strong>${as.data.config.strategy}</strong>, ${as.data.config.minScannerPods}–${as.data.config.maxScannerPods} scanners${
          as.data.replicas !== undefined ? html`, <strong>${as.data.replicas}</strong> wanted now` : ""
        }.</p>
        ${role === "admin" && html`<${AutoscalerForm} key=${JSON.stringify(as.data.config)} cfg=${as.data.config} onSaved=${as.reload} />`}
        <h3>Events</h3>
        ${as.data.events.length === 0
          ? html`<p class="empty">No scaling events yet.</p>`
          : html`<div class="table-wrap"><table class="data">
          <caption class="sr-only">Auto-scaler events, newest first</caption>
          <thead><tr><th scope="col">When</th><th scope="col">Event</th><th scope="col">Scanners</th><th scope="col" class="num">Queued</th><th scope="col" class="hide-sm">Reason</th></tr></thead>
          <tbody>${as.data.events.slice().reverse().map(
            (e, i) => html`<tr key=${i}><td title=${fmtTime(e.time)}>${ago(e.time)}</td><td>${e.kind}</td><td>${e.from} → ${e.to}</td>
              <td class="num">${e.taskCount}</td><td class="hide-sm small">${e.reason}</td></tr>`,
          )}</tbody></table></div>`}`
      : html`<p class="empty">This controller does not start scanners itself (start it with <code>--local-scanners-max N</code> to let it scale them).</p>`)}`;
}
