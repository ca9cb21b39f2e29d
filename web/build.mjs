// Builds the console into the directory given as the first argument
// (normally ../internal/console/dist, which is committed so that `go build`
// needs no Node.js). The output depends only on the sources and the locked
// package versions, so console_test.go can rebuild and compare.
import { build } from "esbuild";
import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";

const out = process.argv[2];
if (!out) {
  console.error("usage: node build.mjs OUTDIR");
  process.exit(2);
}
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
await build({
  entryPoints: ["src/main.js"],
  bundle: true,
  minify: true,
  format: "esm",
  target: ["es2020"],
  legalComments: "eof",
  outfile: join(out, "app.js"),
  logLevel: "warning",
});
for (const f of ["index.html", "style.css", "favicon.svg"]) {
  copyFileSync(join("src", f), join(out, f));
}
