// Scanfleet's web console: a single-page application over the controller's
// REST API. Pages are routed by the URL fragment; every page reads what it
// shows from the API with the token given at login.
import { render } from "preact";
import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import { api, getToken, onToken, setToken } from "./api.js";
import { html, parseHash, href, fmtTime } from "./util.js";
import { RegistriesPage } from "./registries.js";
import { ImagesPage } from "./images.js";
import { ImagePage } from "./image.js";
import { VulnerabilitiesPage } from "./vulns.js";
import { ScannersPage } from "./scanners.js";
import { AdmissionPage, NoAdmission } from "./admission.js";
import { OverviewPage } from "./overview.js";
import { HostsPage, HostPage } from "./hosts.js";
import { ExceptionsPage } from "./exceptions.js";
import { AuditPage, AuditAdminOnly } from "./audit.js";
import { SubscriptionsPage } from "./subscriptions.js";
import { WorkloadsPage } from "./workloads.js";

// Admission is listed only on controllers that serve admission reviews
// (scanfleet-controller); scanfleet answers /admission with 501.
const PAGES = [
  { key: "overview", label: "Overview" },
  { key: "registries", label: "Registries" },
  { key: "images", label: "Images" },
  { key: "hosts", label: "Hosts" },
  { key: "vulnerabilities", label: "Vulnerabilities" },
  { key: "workloads", label: "Workloads" },
  { key: "exceptions", label: "Exceptions" },
  { key: "audit", label: "Audit log", role: "admin" },
  { key: "subscriptions", label: "Subscriptions", role: "admin" },
  { key: "scanners", label: "Scanners" },
  { key: "admission", label: "Admission", needs: "admission_webhook" },
];

function useRoute() {
  const [route, setRoute] = useState(parseHash());
  useEffect(() => {
    const on = () => setRoute(parseHash());
    addEventListener("hashchange", on);
    return () => removeEventListener("hashchange", on);
  }, []);
  return route;
}

function Login({ onLogin }) {
  const [tok, setTok] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  async function submit(e) {
    e.preventDefault();
    setBusy(true);
    setError("");
    const t = tok.trim();
    try {
      const who = await api("/api/v1/whoami", { token: t });
      onLogin(who);
      setToken(t);
    } catch (err) {
      setError(err.status === 401 ? "This token is not valid." : err.message);
      setBusy(false);
    }
  }
  return html`<main id="main" class="login">
    <form class="card login-card" onSubmit=${submit} aria-labelledby="login-title">
      <h1 id="login-title"><img src="/console/favicon.svg" alt="" width="28" height="28" /> Scanfleet</h1>
      <p>Log in with an API token (<code>scanfleet controller token create --role admin|reader</code>).</p>
      <label for="token">API token</label>
      <input id="token" name="token" type="password" autocomplete="current-password" required
        value=${tok} onInput=${(e) => setTok(e.currentTarget.value)} autofocus />
      ${error && html`<p class="error" role="alert">${error}</p>`}
      <button type="submit" class="primary" disabled=${busy}>${busy ? "Checking…" : "Log in"}</button>
    </form>
  </main>`;
}

function Shell({ role, who, route, onLogout }) {
  const page = route.parts[0] || "images";
  const mainRef = useRef(null);
  const first = useRef(true);
  // Move focus to the new page for keyboard and screen reader users, but
  // not on the first load. A layout effect runs as the page is committed;
  // a plain effect runs a frame later, when a quick user (or a test) may
  // already be typing in one of the page's fields, and took their focus
  // and the rest of their keystrokes. Focus already inside the page is
  // left where it is.
  useLayoutEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const main = mainRef.current;
    if (main && !main.contains(document.activeElement)) main.focus();
  }, [page, route.parts[1]]);
  let body;
  switch (page) {
    case "registries":
      body = html`<${RegistriesPage} role=${role} />`;
      break;
    case "image":
      body = html`<${ImagePage} key=${route.parts[1]} digest=${route.parts[1]} query=${route.query} />`;
      break;
    case "vulnerabilities":
      body = html`<${VulnerabilitiesPage} id=${route.parts[1]} query=${route.query} role=${role} />`;
      break;
    case "scanners":
      body = html`<${ScannersPage} role=${role} />`;
      break;
    case "admission":
      body = who && !who.admission_webhook ? html`<${NoAdmission} />` : html`<${AdmissionPage} />`;
      break;
    case "overview":
      body = html`<${OverviewPage} />`;
      break;
    case "hosts":
      body = html`<${HostsPage} />`;
      break;
    case "host":
      body = html`<${HostPage} key=${route.parts[1]} name=${route.parts[1]} />`;
      break;
    case "images":
      body = html`<${ImagesPage} query=${route.query} />`;
      break;
    case "exceptions":
      body = html`<${ExceptionsPage} role=${role} query=${route.query} />`;
      break;
    case "audit":
      // Admins only, as in the API; nothing is asked before whoami says
      // which role this token has.
      body = role === "admin" ? html`<${AuditPage} query=${route.query} />` : role ? html`<${AuditAdminOnly} />` : null;
      break;
    case "subscriptions":
      body = html`<${SubscriptionsPage} role=${role} />`;
      break;
    case "workloads":
      body = html`<${WorkloadsPage} query=${route.query} />`;
      break;
    default:
      body = html`<h1>Not found</h1><p>No page “${page}”. <a href="#/images">Go to images</a>.</p>`;
  }
  const current = page === "image" ? "images" : page === "host" ? "hosts" : page;
  // Until whoami answers, pages that depend on it stay hidden.
  // Subscriptions (a webhook URL is a credential) and the audit log (it
  // names every token) are admin-only in the API, so readers are not
  // offered the pages.
  const pages = PAGES.filter((p) => (!p.needs || (who && who[p.needs])) && (!p.role || role === p.role));
  return html`
    <a class="skip" href="#main" onClick=${(e) => {
      e.preventDefault();
      mainRef.current.focus();
    }}>Skip to content</a>
    <header class="top">
      <a class="brand" href="#/images"><img src="/console/favicon.svg" alt="" width="24" height="24" /> Scanfleet</a>
      <nav aria-label="Main">
        <ul>
          ${pages.map(
            (p) => html`<li><a href=${href([p.key])} aria-current=${current === p.key ? "page" : undefined}>${p.label}</a></li>`,
          )}
        </ul>
      </nav>
      <div class="who">
        ${who && who.name && html`<span class="token-name" title=${"The API token you logged in with" + (who.expires_at ? ", expires " + fmtTime(who.expires_at) : "")}>${who.name}</span>`}
        <span class="role" title="Role of your token">${role}</span>
        <button type="button" class="link" onClick=${onLogout}>Log out</button>
      </div>
    </header>
    <main id="main" tabindex="-1" ref=${mainRef}>${body}</main>`;
}

function App() {
  const route = useRoute();
  const [token, setTok] = useState(getToken());
  const [who, setWho] = useState(null);
  const role = who ? who.role : "";
  useEffect(() => onToken((t) => setTok(t)), []);
  useEffect(() => {
    if (!token || who) return;
    api("/api/v1/whoami")
      .then((w) => setWho(w))
      .catch(() => {});
  }, [token]);
  useEffect(() => {
    document.title = "Scanfleet · " + (token ? route.parts[0] || "images" : "log in");
  }, [token, route.parts[0]]);
  if (!token) {
    return html`<${Login} onLogin=${(w) => setWho(w)} />`;
  }
  return html`<${Shell} role=${role} who=${who} route=${route} onLogout=${() => {
    setWho(null);
    setToken("");
  }} />`;
}

render(html`<${App} />`, document.getElementById("app"));
