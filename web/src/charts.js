// Hand-drawn SVG charts. Each has role="img" and an aria-label that says
// in words what it shows, so a screen reader user gets the same facts.
import { html, narrow, SEVERITIES } from "./util.js";

const COLORS = {
  CRITICAL: "#8e1b1b",
  HIGH: "#d2461c",
  MEDIUM: "#c98a00",
  LOW: "#2f6db3",
  NEGLIGIBLE: "#5f7481",
  UNKNOWN: "#8a8a8a",
};

export function sevColor(s) {
  return COLORS[s] || COLORS.UNKNOWN;
}

// SeverityChart draws one horizontal bar per severity: the solid part has
// a fix, the striped part has none.
export function SeverityChart({ counts = {}, fixable = {}, title = "Findings by severity" }) {
  const rows = SEVERITIES.filter((s) => counts[s] > 0);
  const total = rows.reduce((a, s) => a + counts[s], 0);
  if (!total) {
    return html`<figure class="chart"><figcaption>${title}</figcaption><p class="muted">No findings.</p></figure>`;
  }
  const max = Math.max(...rows.map((s) => counts[s]));
  const rowH = 26;
  const small = narrow();
  const labelW = small ? 84 : 92;
  const numW = small ? 96 : 120;
  const W = small ? 340 : 560;
  const barW = W - labelW - numW;
  const H = rows.length * rowH + 24;
  const label = title + ": " + rows.map((s) => `${counts[s]} ${s.toLowerCase()} (${fixable[s] || 0} with a fix)`).join(", ");
  return html`<figure class="chart">
    <figcaption>${title}</figcaption>
    <svg viewBox="0 0 ${W} ${H}" role="img" aria-label=${label} preserveAspectRatio="xMinYMin meet">
      <defs>
        ${rows.map(
          (s) => html`<pattern id=${"nofix-" + s} width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <rect width="6" height="6" fill=${sevColor(s)} opacity="0.35" />
            <line x1="0" y1="0" x2="0" y2="6" stroke=${sevColor(s)} stroke-width="3" />
          </pattern>`,
        )}
      </defs>
      ${rows.map((s, i) => {
        const y = i * rowH + 2;
        const n = counts[s];
        const f = Math.min(fixable[s] || 0, n);
        const w = Math.max(2, (n / max) * barW);
        const fw = (f / n) * w;
        return html`<g>
          <text x="0" y=${y + 16} class="chart-label">${s}</text>
          <rect x=${labelW} y=${y + 3} width=${fw} height="18" fill=${sevColor(s)} />
          <rect x=${labelW + fw} y=${y + 3} width=${w - fw} height="18" fill=${"url(#nofix-" + s + ")"} />
          <text x=${labelW + w + 6} y=${y + 16} class="chart-num">${n} (${f} fix)</text>
        </g>`;
      })}
      <g transform=${`translate(${labelW},${rows.length * rowH + 8})`}>
        <rect width="12" height="10" fill="#555" /><text x="16" y="9" class="chart-legend">has a fix</text>
        <rect x="90" width="12" height="10" fill="url(#nofix-${rows[0]})" /><text x="106" y="9" class="chart-legend">no fix yet</text>
      </g>
    </svg>
  </figure>`;
}

// LineChart draws series over time from samples [{time, key: n, ...}].
export function LineChart({ samples = [], series, title, timeFmt }) {
  const W = narrow() ? 360 : 640;
  const H = narrow() ? 200 : 220;
  const L = 44;
  const R = 12;
  const T = 12;
  const B = 40;
  if (samples.length < 2) {
    return html`<figure class="chart"><figcaption>${title}</figcaption><p class="muted">Not enough samples yet.</p></figure>`;
  }
  const t0 = new Date(samples[0].time).getTime();
  const t1 = new Date(samples[samples.length - 1].time).getTime();
  const span = Math.max(1, t1 - t0);
  const maxY = Math.max(1, ...samples.flatMap((p) => series.map((s) => p[s.key] || 0)));
  const niceMax = niceCeil(maxY);
  const x = (t) => L + ((new Date(t).getTime() - t0) / span) * (W - L - R);
  const y = (v) => T + (1 - v / niceMax) * (H - T - B);
  const last = samples[samples.length - 1];
  const label =
    title +
    (timeFmt ? ` from ${fmt(samples[0].time)} to ${fmt(last.time)}: ` : ` over the last ${Math.round(span / 60000) || "<1"} min: `) +
    series.map((s) => `${s.label} now ${last[s.key] || 0}, peak ${Math.max(...samples.map((p) => p[s.key] || 0))}`).join("; ");
  const ticks = [0, niceMax / 2, niceMax];
  const fmt = timeFmt || ((t) => new Date(t).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" }));
  return html`<figure class="chart">
    <figcaption>${title}</figcaption>
    <svg viewBox="0 0 ${W} ${H}" role="img" aria-label=${label} preserveAspectRatio="xMinYMin meet">
      ${ticks.map(
        (v) => html`<g>
          <line x1=${L} x2=${W - R} y1=${y(v)} y2=${y(v)} class="grid" />
          <text x=${L - 6} y=${y(v) + 4} text-anchor="end" class="chart-num">${v}</text>
        </g>`,
      )}
      <text x=${L} y=${H - B + 16} class="chart-num">${fmt(samples[0].time)}</text>
      <text x=${W - R} y=${H - B + 16} text-anchor="end" class="chart-num">${fmt(last.time)}</text>
      ${series.map(
        (s) => html`<polyline fill="none" stroke=${s.color} stroke-width="2.5" stroke-linejoin="round"
          points=${samples.map((p) => `${x(p.time).toFixed(1)},${y(p[s.key] || 0).toFixed(1)}`).join(" ")} />`,
      )}
      <g transform=${`translate(${L},${H - 10})`}>
        ${series.map(
          (s, i) => html`<g transform=${`translate(${i * (W > 400 ? 120 : 100)},0)`}>
            <rect y="-9" width="14" height="4" fill=${s.color} /><text x="18" y="-3" class="chart-legend">${s.label}</text>
          </g>`,
        )}
      </g>
    </svg>
  </figure>`;
}

function niceCeil(v) {
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 5, 10]) {
    if (m * p >= v) return m * p;
  }
  return 10 * p;
}

// DayBars draws one vertical bar per day (days [{day, [key]: n}]), so a
// single day already shows; the label says every value in words.
export function DayBars({ days = [], valueKey, title, color = "#1a5fb4" }) {
  if (!days.length) {
    return html`<figure class="chart"><figcaption>${title}</figcaption><p class="muted">No days recorded yet.</p></figure>`;
  }
  const W = narrow() ? 340 : 560;
  const H = 170;
  const L = 36;
  const B = 24;
  const T = 14;
  const max = niceCeil(Math.max(1, ...days.map((d) => d[valueKey] || 0)));
  const slot = (W - L) / Math.max(days.length, 7);
  const bw = Math.max(4, Math.min(40, slot * 0.7));
  const y = (v) => T + (1 - v / max) * (H - T - B);
  const fmt = (d) => new Date(d + "T12:00:00Z").toLocaleDateString([], { month: "short", day: "numeric" });
  const label = title + ": " + days.map((d) => `${fmt(d.day)} ${d[valueKey] || 0}`).join(", ");
  return html`<figure class="chart">
    <figcaption>${title}</figcaption>
    <svg viewBox="0 0 ${W} ${H}" role="img" aria-label=${label} preserveAspectRatio="xMinYMin meet">
      ${[0, max / 2, max].filter(Number.isInteger).map(
        (v) => html`<g><line x1=${L} x2=${W} y1=${y(v)} y2=${y(v)} class="grid" />
          <text x=${L - 6} y=${y(v) + 4} text-anchor="end" class="chart-num">${v}</text></g>`,
      )}
      ${days.map((d, i) => {
        const v = d[valueKey] || 0;
        const x = L + i * slot + (slot - bw) / 2;
        return html`<g>
          <rect x=${x} y=${y(v)} width=${bw} height=${Math.max(0, H - B - y(v))} fill=${color} />
          ${(days.length <= 10 || i === 0 || i === days.length - 1) &&
          html`<text x=${x + bw / 2} y=${H - 8} text-anchor="middle" class="chart-num">${fmt(d.day)}</text>`}
        </g>`;
      })}
    </svg>
  </figure>`;
}
