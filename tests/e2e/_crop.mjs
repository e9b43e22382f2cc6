// temporary: split a tall screenshot with Chromium itself
import { launch } from './harness.mjs';
import { readFileSync } from 'node:fs';
const b = await launch();
const p = await b.newPage({ viewport: { width: 1400, height: 1000 } });
const data = readFileSync(process.argv[2]).toString('base64');
await p.setContent(`<body style="margin:0"><img id=i src="data:image/png;base64,${data}"></body>`);
const h = await p.evaluate(() => document.getElementById('i').naturalHeight);
for (let y = 0, k = 0; y < h; y += 1000, k++) {
  await p.screenshot({ path: `/tmp/part${k}.png`, clip: { x: 0, y, width: 1400, height: Math.min(1000, h - y) }, fullPage: true });
}
console.log(h);
await b.close();
