/* eslint-disable */
/**
 * Benchmark-only preload (`node --require`), never loaded by the app itself: counts what this
 * process writes to PostgreSQL at the socket. postgres.js coalesces everything it sends within one
 * tick into one socket.write and then waits for the answer, so writes ≈ round trips (a pipelined
 * batch counts once, as it should). Every 100 ms the counts go to $BENCH_WIRE_DIR/<pid>.json.
 */
'use strict';
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const port = Number(process.env.BENCH_PG_PORT);
const dir = process.env.BENCH_WIRE_DIR;
if (port > 0 && dir) {
  const counts = { writes: 0, bytes: 0 };
  const original = net.Socket.prototype.write;
  net.Socket.prototype.write = function write(data, ...rest) {
    if (this.remotePort === port) {
      counts.writes += 1;
      counts.bytes += typeof data === 'string' ? Buffer.byteLength(data) : (data && data.length) || 0;
    }
    return original.call(this, data, ...rest);
  };
  const file = path.join(dir, `${process.pid}.json`);
  let last = '';
  const dump = () => {
    const text = JSON.stringify(counts);
    if (text === last) return;
    last = text;
    try {
      fs.writeFileSync(`${file}.tmp`, text);
      fs.renameSync(`${file}.tmp`, file);
    } catch {
      // the bench removed the directory: nothing to report to
    }
  };
  setInterval(dump, 100).unref();
}
