// Drives headless Chromium over the DevTools protocol (no npm packages: Node's own WebSocket, enable it with
// --experimental-websocket on Node 20). Opens <url>, polls window.player (the relay's WebRTC player page) every
// 500 ms, and prints "RESULT <json>" once framesDecoded reaches <minFrames> or <seconds> have passed. Chromium runs
// under `timeout` and is killed before this script exits.
//
// usage: node --experimental-websocket cdp-probe.mjs <url> <seconds> <minFrames> <userDataDir>
import { spawn } from 'node:child_process';

const [url, secondsArg, minFramesArg, userDataDir] = process.argv.slice(2);
const seconds = Number(secondsArg);
const minFrames = Number(minFramesArg);
const chrome = spawn('timeout', ['-s', 'KILL', String(seconds + 30), '/usr/bin/chromium',
  '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--user-data-dir=' + userDataDir, '--allow-loopback-in-peer-connection',
  '--disable-features=WebRtcHideLocalIpsWithMdns', '--autoplay-policy=no-user-gesture-required',
  '--remote-debugging-port=0', url], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });

// Chromium forks zygotes and renderers: kill its whole process group (timeout is its leader), not only timeout.
function killChromium() {
  try {
    process.kill(-chrome.pid, 'SIGKILL');
  } catch (e) {
    // already gone
  }
}
process.on('exit', killChromium);

function finish(code, line) {
  if (line) {
    console.log(line);
  }
  killChromium();
  setTimeout(() => process.exit(code), 200);
}

const hardStop = setTimeout(() => finish(2, 'RESULT {"state":"probe-timeout"}'), (seconds + 25) * 1000);
hardStop.unref();

const endpoint = await new Promise((resolve, reject) => {
  let text = '';
  chrome.stderr.on('data', chunk => {
    text += chunk;
    const m = text.match(/DevTools listening on (ws:\/\/\S+)/);
    if (m) {
      resolve(m[1]);
    }
  });
  chrome.on('exit', code => reject(new Error('chromium exited with ' + code + ': ' + text.slice(-2000))));
}).catch(e => {
  finish(3, 'RESULT ' + JSON.stringify({ state: 'no-chromium', error: String(e) }));
  return null;
});
if (endpoint) {
  const ws = new WebSocket(endpoint);
  let nextId = 1;
  const pending = new Map();
  const call = (method, params = {}, sessionId = undefined) => new Promise((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { resolve, reject });
    ws.send(JSON.stringify({ id, method, params, sessionId }));
  });
  ws.onmessage = event => {
    const msg = JSON.parse(event.data);
    if (msg.id && pending.has(msg.id)) {
      const p = pending.get(msg.id);
      pending.delete(msg.id);
      if (msg.error) {
        p.reject(new Error(JSON.stringify(msg.error)));
      } else {
        p.resolve(msg.result);
      }
    }
  };
  await new Promise(resolve => { ws.onopen = resolve; });
  const deadline = Date.now() + seconds * 1000;
  let page = null;
  while (!page && Date.now() < deadline) {
    const { targetInfos } = await call('Target.getTargets');
    page = targetInfos.find(t => t.type === 'page' && t.url.startsWith(url.split('?')[0]));
    if (!page) {
      await new Promise(r => setTimeout(r, 200));
    }
  }
  if (!page) {
    finish(4, 'RESULT {"state":"no-page"}');
  } else {
    const { sessionId } = await call('Target.attachToTarget', { targetId: page.targetId, flatten: true });
    let last = null;
    while (Date.now() < deadline) {
      const r = await call('Runtime.evaluate',
        { expression: 'JSON.stringify(window.player || null)', returnByValue: true }, sessionId);
      last = r.result.value;
      console.log('STATE ' + last);
      const state = last ? JSON.parse(last) : null;
      if (state && (state.framesDecoded >= minFrames || state.state === 'failed')) {
        break;
      }
      await new Promise(r => setTimeout(r, 500));
    }
    finish(0, 'RESULT ' + (last || 'null'));
  }
}
