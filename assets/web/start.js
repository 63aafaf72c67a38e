// The page's start: the service worker (the app keeps working offline),
// then the app itself, whose engine runs in ./worker.js. A file of the
// build, not inline in the page, so the page's policy allows no inline
// script.
import init, { tournee_page } from "./tournee.js";

const top = new URL("../../", import.meta.url);
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register(new URL("sw.js", top), { scope: top.pathname })
    .catch(() => {});
}
try {
  await init({ module_or_path: new URL("./tournee_bg.wasm", import.meta.url) });
  tournee_page(new URL("./worker.js", import.meta.url).href);
} catch (error) {
  const why = document.createElement("p");
  why.id = "why";
  why.setAttribute("role", "alert");
  why.textContent = "Tournée ne peut pas démarrer dans ce navigateur. / Tournée cannot start in this browser. (" + error + ")";
  document.body.append(why);
}
