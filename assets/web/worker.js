// The engine's worker: the same wasm module as the page, started on the
// worker's side. What the page posts while the module loads is kept and
// handed over, so no command is lost.
import init, { tournee_worker } from "./tournee.js";

const early = [];
self.onmessage = (event) => early.push(event.data);
await init({ module_or_path: new URL("./tournee_bg.wasm", import.meta.url) });
tournee_worker(early);
