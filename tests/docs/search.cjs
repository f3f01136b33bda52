// Run mkdocs-material's own search worker (the file the site ships) on the
// site's own search index, in Node, and print the ranked pages per query.
//   node search.cjs SITE_DIR QUERY...   →   {"QUERY": ["programs/x.html", ...], ...}
// Same index, same segmentation (jieba at build time, material's segmenter
// over the index words at query time), same lunr ranking as the browser.
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");

const site = process.argv[2];
const queries = process.argv.slice(3);
const workerDir = path.join(site, "assets", "javascripts", "workers");
const workerFile = fs.readdirSync(workerDir).find((f) => /^search\..*\.min\.js$/.test(f));
if (!workerFile) throw new Error(`no search worker under ${workerDir}`);

let handler = null;
let pending = null;
globalThis.self = globalThis;
globalThis.addEventListener = (type, fn) => { if (type === "message") handler = fn; };
globalThis.postMessage = (msg) => { if (pending) pending(msg); };
globalThis.importScripts = (...urls) => {
  for (const url of urls) vm.runInThisContext(fs.readFileSync(path.resolve(workerDir, url), "utf8"), { filename: url });
};
vm.runInThisContext(fs.readFileSync(path.join(workerDir, workerFile), "utf8"), { filename: workerFile });

function send(data) {
  return new Promise((resolve) => { pending = resolve; handler({ data }); });
}

(async () => {
  const index = JSON.parse(fs.readFileSync(path.join(site, "search", "search_index.json"), "utf8"));
  const ready = await send({ type: 0, data: { config: index.config, docs: index.docs, options: { suggest: false } } });
  if (ready.type !== 1) throw new Error("search worker did not get ready");
  const out = {};
  for (const q of queries) {
    const res = await send({ type: 2, data: q });
    out[q] = res.data.items.map((group) => group[0].location);
  }
  process.stdout.write(JSON.stringify(out));
})().catch((err) => { console.error(err); process.exit(2); });
