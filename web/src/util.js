import { h } from "preact";
import { useEffect, useRef, useState, useCallback } from "preact/hooks";
import htm from "htm";

export const html = htm.bind(h);

// useSynced is a state that starts as value and is reset to value when
// value changes later (as a search box follows the URL), but not on mount:
// an effect that set it then could wipe what the user has begun to type.
export function useSynced(value) {
  const [v, setV] = useState(value);
  const prev = useRef(value);
  useEffect(() => {
    if (prev.current !== value) {
      prev.current = value;
      setV(value);
    }
  }, [value]);
  return [v, setV];
}

export const SEVERITIES = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "NEGLIGIBLE", "UNKNOWN"];

// The route is the URL fragment: #/path/segments?query.
export function parseHash() {
  const raw = location.hash.replace(/^#/, "") || "/images";
  const [path, query = ""] = raw.split("?");
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  return { parts, query: Object.fromEntries(new URLSearchParams(query)) };
}

export function href(parts, query = {}) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== "" && v !== false) p.set(k, String(v));
  }
  const s = p.toString();
  // Digests keep their ":" so that fragments stay readable.
  return "#/" + parts.map((x) => encodeURIComponent(x).replace(/%3A/gi, ":")).join("/") + (s ? "?" + s : "");
}

export function navigate(parts, query) {
  location.hash = href(parts, query);
}

// useLoad runs load() now, whenever deps change and, with every > 0, every
// that many milliseconds; it keeps the last good data while reloading.
export function useLoad(load, deps, every = 0) {
  const [state, setState] = useState({ data: null, error: null, loading: true });
  const gen = useRef(0);
  const run = useCallback(async () => {
    const g = ++gen.current;
    try {
      const data = await load();
      if (g === gen.current) setState({ data, error: null, loading: false });
    } catch (error) {
      if (g === gen.current) setState((s) => ({ data: s.data, error, loading: false }));
    }
  }, deps);
  useEffect(() => {
    setState((s) => ({ ...s, loading: true }));
    run();
    if (!every) return undefined;
    const t = setInterval(run, every);
    return () => {
      clearInterval(t);
      gen.current++;
    };
  }, [run]);
  return { ...state, reload: run };
}

// narrow reports a phone-sized screen, where charts use a narrower drawing
// so that their text stays legible.
export function narrow() {
  return typeof matchMedia === "function" && matchMedia("(max-width: 600px)").matches;
}

export function shortDigest(d) {
  if (!d) return "";
  const [alg, hex] = d.includes(":") ? d.split(":") : ["", d];
  return (alg ? alg + ":" : "") + hex.slice(0, 12);
}

export function fmtTime(t) {
  if (!t) return "never";
  const d = new Date(t);
  if (isNaN(d) || d.getFullYear() < 2000) return "never";
  return d.toLocaleString();
}

export function ago(t) {
  if (!t) return "never";
  const d = new Date(t);
  if (isNaN(d) || d.getFullYear() < 2000) return "never";
  const s = Math.round((Date.now() - d.getTime()) / 1000);
  if (s < 5) return "just now";
  if (s < 60) return s + " s ago";
  if (s < 3600) return Math.round(s / 60) + " min ago";
  if (s < 86400) return Math.round(s / 3600) + " h ago";
  return Math.round(s / 86400) + " d ago";
}

export function fmtBytes(n) {
  if (!n) return "0 B";
  const u = ["B", "KB", "MB", "GB", "TB"];
  let i = 0;
  while (n >= 1000 && i < u.length - 1) {
    n /= 1000;
    i++;
  }
  return (i ? n.toFixed(1) : n) + " " + u[i];
}

export function sevClass(s) {
  return "sev sev-" + (s || "unknown").toLowerCase();
}

export function ErrorNote({ error }) {
  if (!error) return null;
  return html`<p class="error" role="alert">${error.message || String(error)}</p>`;
}

export function Loading({ what = "Loading" }) {
  return html`<p class="muted" role="status">${what}…</p>`;
}

// csvCell quotes a value for CSV. A cell that a spreadsheet would take for
// a formula (=, +, -, @, tab, CR) gets a leading apostrophe: names and
// descriptions come from registries and advisory feeds.
export function csvCell(v) {
  let s = v === undefined || v === null ? "" : Array.isArray(v) ? v.join(" ") : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = "'" + s;
  return /[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

// toCSV renders rows as CSV with columns [[header, row => value], ...].
export function toCSV(columns, rows) {
  const lines = [columns.map(([h]) => csvCell(h)).join(",")];
  for (const r of rows) lines.push(columns.map(([, get]) => csvCell(get(r))).join(","));
  return lines.join("\r\n") + "\r\n";
}

// saveFile hands text to the browser as a file download.
export function saveFile(name, text, type = "text/csv") {
  const url = URL.createObjectURL(new Blob([text], { type: type + ";charset=utf-8" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

// CsvButton exports a whole list (not only the page shown) as CSV:
// rows() may be async, to fetch every page first.
export function CsvButton({ name, columns, rows, label = "Export CSV" }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  async function go() {
    setBusy(true);
    setError(null);
    try {
      saveFile(name + ".csv", toCSV(columns, await rows()));
    } catch (err) {
      setError(err);
    }
    setBusy(false);
  }
  return html`<span class="csv"><button type="button" class="small" onClick=${go} disabled=${busy}
    aria-label=${label + " (" + name + ".csv)"}>${busy ? "Exporting…" : label}</button>${error && html` <span class="error" role="alert">${error.message}</span>`}</span>`;
}

// Pager moves through a list of total items, size at a time.
export function Pager({ offset, size, total, onGo, label = "Pages" }) {
  if (total <= size && offset === 0) return null;
  return html`<nav class="pager" aria-label=${label}>
    <button type="button" disabled=${offset === 0} onClick=${() => onGo(Math.max(0, offset - size))}>Previous</button>
    <span>${offset + 1}–${Math.min(total, offset + size)} of ${total}</span>
    <button type="button" disabled=${offset + size >= total} onClick=${() => onGo(offset + size)}>Next</button>
  </nav>`;
}

// CoverageNote marks an image or host whose database lacked data for some
// of its contents: its counts are incomplete, not zero.
export function CoverageBadge({ coverage, notCovered = [] }) {
  if (coverage === "not_covered") {
    return html`<span class="nc-badge" title=${"The database has no data for " + notCovered.join(", ") + ": findings there are unknown, not absent"}>
      Not covered: ${notCovered.join(", ")}</span>`;
  }
  if (coverage === "unknown") {
    return html`<span class="nc-badge unknown" title="The report does not say whether the database covered this image">Coverage unknown</span>`;
  }
  return null;
}

// splitList splits what a user typed into a form field as a list: values
// separated by commas or new lines, blanks dropped.
export function splitList(s) {
  return (s || "")
    .split(/[\n,]/)
    .map((x) => x.trim())
    .filter(Boolean);
}
