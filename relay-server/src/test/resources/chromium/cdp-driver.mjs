// Drives one headless Chromium over the DevTools protocol for a Java test, with no npm packages (a minimal
// RFC 6455 client below; any Node from 16 on works). Commands arrive on stdin, one JSON object a line; every reply is
// one stdout line "REPLY <json>" with the command's id:
//   {"id": 1, "op": "open", "url": "..."}          -> {"id": 1, "page": 0}       (a new tab)
//   {"id": 2, "op": "eval", "page": 0, "expr": "..."} -> {"id": 2, "value": ...}   (the expression's value)
//   {"id": 3, "op": "quit"}                           -> Chromium killed, then exit
// Errors reply {"id", "error"}. Chromium runs under `timeout -s KILL <seconds>` in its own process group, killed when
// this script exits, quits, or its stdin closes (the test ended).
//
// usage: node cdp-driver.mjs <seconds> <userDataDir>
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import net from 'node:net';
import readline from 'node:readline';

/** A text-only WebSocket client (RFC 6455): masked frames out, unfragmented text frames in. */
function connectWebSocket(wsUrl) {
  const u = new URL(wsUrl);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(u.port), u.hostname);
    let buffer = Buffer.alloc(0);
    let open = false;
    const api = {
      onmessage: null,
      send(text) {
        const data = Buffer.from(text);
        let header;
        if (data.length < 126) {
          header = Buffer.from([0x81, 0x80 | data.length]);
        } else if (data.length < 65536) {
          header = Buffer.alloc(4);
          header[0] = 0x81;
          header[1] = 0x80 | 126;
          header.writeUInt16BE(data.length, 2);
        } else {
          header = Buffer.alloc(10);
          header[0] = 0x81;
          header[1] = 0x80 | 127;
          header.writeBigUInt64BE(BigInt(data.length), 2);
        }
        const mask = crypto.randomBytes(4);
        const masked = Buffer.alloc(data.length);
        for (let i = 0; i < data.length; i++) {
          masked[i] = data[i] ^ mask[i % 4];
        }
        socket.write(Buffer.concat([header, mask, masked]));
      }
    };
    socket.on('connect', () => socket.write('GET ' + u.pathname + ' HTTP/1.1\r\nHost: ' + u.host
      + '\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: '
      + crypto.randomBytes(16).toString('base64') + '\r\nSec-WebSocket-Version: 13\r\n\r\n'));
    socket.on('error', reject);
    socket.on('data', chunk => {
      buffer = Buffer.concat([buffer, chunk]);
      if (!open) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end < 0) {
          return;
        }
        if (!buffer.subarray(0, end).toString().startsWith('HTTP/1.1 101')) {
          reject(new Error('WebSocket handshake refused: ' + buffer.subarray(0, end)));
          return;
        }
        buffer = buffer.subarray(end + 4);
        open = true;
        resolve(api);
      }
      while (buffer.length >= 2) {
        let length = buffer[1] & 0x7f;
        let offset = 2;
        if (length === 126) {
          if (buffer.length < 4) {
            return;
          }
          length = buffer.readUInt16BE(2);
          offset = 4;
        } else if (length === 127) {
          if (buffer.length < 10) {
            return;
          }
          length = Number(buffer.readBigUInt64BE(2));
          offset = 10;
        }
        if (buffer.length < offset + length) {
          return;
        }
        const opcode = buffer[0] & 0x0f;
        const payload = buffer.subarray(offset, offset + length);
        buffer = buffer.subarray(offset + length);
        if (opcode === 1 && api.onmessage) {
          api.onmessage(payload.toString());
        }
      }
    });
  });
}

const [secondsArg, userDataDir] = process.argv.slice(2);
const seconds = Number(secondsArg);
const chrome = spawn('timeout', ['-s', 'KILL', String(seconds), '/usr/bin/chromium',
  '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-background-timer-throttling', '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
  '--user-data-dir=' + userDataDir, '--allow-loopback-in-peer-connection',
  '--disable-features=WebRtcHideLocalIpsWithMdns', '--autoplay-policy=no-user-gesture-required',
  '--remote-debugging-port=0', 'about:blank'], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });

// Chromium forks zygotes and renderers: kill its whole process group (timeout is its leader), not only timeout.
function killChromium() {
  try {
    process.kill(-chrome.pid, 'SIGKILL');
  } catch (e) {
    // already gone
  }
}
process.on('exit', killChromium);

function reply(object) {
  console.log('REPLY ' + JSON.stringify(object));
}

function quit(code) {
  killChromium();
  setTimeout(() => process.exit(code), 200);
}

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
  console.log('FATAL ' + JSON.stringify({ error: String(e) }));
  quit(3);
  return null;
});

if (endpoint) {
  const ws = await connectWebSocket(endpoint);
  let nextId = 1;
  const pending = new Map();
  const call = (method, params = {}, sessionId = undefined) => new Promise((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { resolve, reject });
    ws.send(JSON.stringify({ id, method, params, sessionId }));
  });
  ws.onmessage = data => {
    const msg = JSON.parse(data);
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
  const pages = [];
  console.log('READY');
  const lines = readline.createInterface({ input: process.stdin });
  lines.on('close', () => quit(0));
  for await (const line of lines) {
    let command;
    try {
      command = JSON.parse(line);
    } catch (e) {
      reply({ id: null, error: 'bad command: ' + line });
      continue;
    }
    try {
      if (command.op === 'open') {
        const { targetId } = await call('Target.createTarget', { url: command.url });
        const { sessionId } = await call('Target.attachToTarget', { targetId, flatten: true });
        pages.push(sessionId);
        reply({ id: command.id, page: pages.length - 1 });
      } else if (command.op === 'eval') {
        const r = await call('Runtime.evaluate', { expression: command.expr, returnByValue: true,
          awaitPromise: true }, pages[command.page]);
        reply({ id: command.id, value: r.result.value === undefined ? null : r.result.value });
      } else if (command.op === 'quit') {
        reply({ id: command.id });
        quit(0);
      } else {
        reply({ id: command.id, error: 'unknown op ' + command.op });
      }
    } catch (e) {
      reply({ id: command.id, error: String(e) });
    }
  }
}
