import { api, ApiError } from "./api.js";
import { html, useLoad, ErrorNote, Loading, fmtTime, ago, CsvButton } from "./util.js";

const RULE_CSV = [
  ["name", (r) => r.name],
  ["action", (r) => r.action],
  ["disabled", (r) => !!r.disabled],
  ["mode", (r) => r.mode],
  ["criteria", (r) => criteria(r.criteria)],
  ["comment", (r) => r.comment],
];

// One row per image judged: a decision covers every image of a workload.
const DECISION_CSV = [
  ["at", (x) => x.d.at],
  ["kind", (x) => x.d.kind],
  ["namespace", (x) => x.d.namespace],
  ["name", (x) => x.d.name],
  ["operation", (x) => x.d.operation],
  ["user", (x) => x.d.user],
  ["result", (x) => x.d.result],
  ["image", (x) => x.im?.image],
  ["digest", (x) => x.im?.digest],
  ["verdict", (x) => x.im?.verdict?.action],
  ["rule", (x) => x.im?.verdict?.rule],
  ["reason", (x) => x.im?.verdict?.reason],
];

// The admission API may be absent (a controller without admission
// control): a 404 shows an explanation instead of an error.
async function optional(path) {
  try {
    return { value: await api(path) };
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return { absent: true };
    throw err;
  }
}

// criteria summarises a rule's criteria as "key: value" phrases.
function criteria(c) {
  if (!c || typeof c !== "object") return "";
  return Object.entries(c)
    .filter(([, v]) => v !== undefined && v !== null && v !== "" && v !== false && !(Array.isArray(v) && v.length === 0))
    .map(([k, v]) => {
      const key = k.replace(/_/g, " ");
      if (v === true) return key;
      if (Array.isArray(v)) return key + ": " + v.join(", ");
      if (typeof v === "object") return key + ": " + Object.entries(v).map(([a, b]) => a + "=" + b).join(", ");
      return key + ": " + v;
    })
    .join("; ");
}

function resultClass(r) {
  if (r === "denied") return "result deny";
  if (r === "would_deny") return "result warn-result";
  return "result allow";
}

// NoAdmission explains, on a controller without the Kubernetes
// integration, why there is nothing to manage here.
export function NoAdmission() {
  return html`<div class="page-head"><h1>Admission</h1></div>
    <p class="empty" data-testid="no-admission">This controller does not serve Kubernetes admission reviews: it is the
      <code>scanfleet</code> binary, which answers <code>/admission</code> with 501. Run <code>scanfleet-controller controller</code>
      (the same controller with the Kubernetes integration) to judge workloads with admission rules.</p>`;
}

export function AdmissionPage() {
  const settings = useLoad(() => optional("/api/v1/admission/settings"), [], 0);
  const rules = useLoad(() => optional("/api/v1/admission/rules"), [], 0);
  const decisions = useLoad(() => optional("/api/v1/admission/decisions?limit=50"), [], 5000);
  const absent = rules.data?.absent && decisions.data?.absent;
  const ruleList = rules.data?.value || [];
  const decisionList = decisions.data?.value || [];
  const st = settings.data?.value;
  return html`
    <div class="page-head"><h1>Admission</h1></div>
    ${absent &&
    html`<p class="empty">Admission control is not available on this controller. When it is, its rules and the latest
      allow/deny decisions for Kubernetes workloads appear here.</p>`}
    ${!absent &&
    html`
      ${st &&
      html`<p>Mode <strong>${st.mode}</strong> (${st.mode === "protect" ? "deny rules refuse workloads" : "deny rules only warn and record"});
        images without a scan result: <strong>${st.no_result}</strong>.</p>`}
      <div class="list-tools"><h2>Rules</h2>${ruleList.length > 0 && html`<${CsvButton} name="admission-rules" columns=${RULE_CSV} rows=${() => ruleList} />`}</div>
      <${ErrorNote} error=${rules.error} />
      ${!rules.data && !rules.error && html`<${Loading} />`}
      ${rules.data &&
      (ruleList.length === 0
        ? html`<p class="empty">No admission rules: every image is allowed${st ? (st.no_result === "deny" ? ", except those without a scan result" : "") : ""}.</p>`
        : html`<div class="table-wrap"><table class="data">
          <caption class="sr-only">Admission rules, in the order they are evaluated</caption>
          <thead><tr><th scope="col">Rule</th><th scope="col">Action</th><th scope="col">Matches</th><th scope="col" class="hide-sm">Mode</th></tr></thead>
          <tbody>${ruleList.map(
            (r) => html`<tr key=${r.name} class=${r.disabled ? "disabled" : ""}>
              <th scope="row">${r.name}${r.disabled && html` <span class="muted small">(disabled)</span>`}
                ${r.comment && html`<div class="small muted">${r.comment}</div>`}</th>
              <td><span class=${r.action === "deny" ? "result deny" : "result allow"}>${r.action}</span></td>
              <td class="small">${criteria(r.criteria)}</td>
              <td class="hide-sm">${r.mode || (st ? st.mode + " (global)" : "global")}</td>
            </tr>`,
          )}</tbody></table></div>`)}
      <div class="list-tools"><h2>Recent decisions</h2>${decisionList.length > 0 &&
        html`<${CsvButton} name="admission-decisions" columns=${DECISION_CSV}
          rows=${async () => {
            // The latest 1,000 decisions (the API's most), not only the 50 shown.
            const all = await api("/api/v1/admission/decisions?limit=1000");
            return all.flatMap((d) => ((d.images || []).length ? d.images.map((im) => ({ d, im })) : [{ d }]));
          }} />`}</div>
      <${ErrorNote} error=${decisions.error} />
      ${!decisions.data && !decisions.error && html`<${Loading} />`}
      ${decisions.data &&
      (decisionList.length === 0
        ? html`<p class="empty">No decisions yet.</p>`
        : html`<div class="table-wrap"><table class="data">
          <caption class="sr-only">Recent admission decisions, newest first</caption>
          <thead><tr><th scope="col">When</th><th scope="col">Workload</th><th scope="col">Result</th><th scope="col">Images</th><th scope="col" class="hide-sm">Message</th></tr></thead>
          <tbody>${decisionList.map(
            (d) => html`<tr key=${d.id}>
              <td title=${fmtTime(d.at)}>${ago(d.at)}</td>
              <th scope="row">${d.kind} ${d.namespace}/${d.name}<div class="small muted">${d.operation} by ${d.user}${d.dry_run ? " (dry run)" : ""}</div></th>
              <td><span class=${resultClass(d.result)}>${(d.result || "").replace("_", " ")}</span></td>
              <td class="small">${(d.images || []).map(
                (im) => html`<div class="break"><span class="mono">${im.image}</span>: ${im.verdict?.action || "?"}${im.verdict?.rule ? " by " + im.verdict.rule : ""}
                  ${im.verdict?.reason && html`<span class="muted"> — ${im.verdict.reason}</span>`}</div>`,
              )}</td>
              <td class="hide-sm small">${d.message}</td>
            </tr>`,
          )}</tbody></table></div>`)}`}`;
}
