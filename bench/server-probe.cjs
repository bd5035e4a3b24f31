/* eslint-disable */
/**
 * Benchmark-only preload (`node --require`), never loaded by the app itself. In the server it
 * records, for the bench to read from $BENCH_WIRE_DIR/<pid>.json (rewritten every 500 ms):
 *  - writes/bytes this process sent to PostgreSQL ($BENCH_PG_PORT) at the socket. postgres.js
 *    coalesces what it sends within one tick into one socket.write and then waits for the answer,
 *    so writes ≈ round trips (a pipelined batch counts once, as it should);
 *  - event-loop utilization, GC pauses (count and total ms by kind) and process.memoryUsage().
 * On SIGUSR2 (only sent at the very end of a run) it runs a full GC if --expose-gc is on and writes
 * the live heap to <pid>.gc.json.
 */
'use strict';
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { constants, performance, PerformanceObserver } = require('node:perf_hooks');

const port = Number(process.env.BENCH_PG_PORT);
const dir = process.env.BENCH_WIRE_DIR;
if (port > 0 && dir) {
  const counts = { writes: 0, bytes: 0 };
  const IS_PG = Symbol('bench.isPg');
  const original = net.Socket.prototype.write;
  net.Socket.prototype.write = function write(data, ...rest) {
    let pg = this[IS_PG];
    if (pg === undefined && this.remotePort !== undefined) pg = this[IS_PG] = this.remotePort === port;
    if (pg) {
      counts.writes += 1;
      counts.bytes += typeof data === 'string' ? Buffer.byteLength(data) : (data && data.length) || 0;
    }
    return original.call(this, data, ...rest);
  };

  const gc = { count: 0, ms: 0, byKind: {} };
  /** The last 2,000 pauses as [end (unix ms), duration ms, kind], for per-segment statistics. */
  const recent = [];
  const KINDS = {
    [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
    [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
    [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
    [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
  };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = KINDS[(e.detail && e.detail.kind) || e.kind] || 'other';
      gc.count += 1;
      gc.ms += e.duration;
      const k = (gc.byKind[kind] ??= { count: 0, ms: 0 });
      k.count += 1;
      k.ms += e.duration;
      recent.push([Math.round(performance.timeOrigin + e.startTime + e.duration), Math.round(e.duration * 100) / 100, kind]);
      if (recent.length > 2000) recent.splice(0, recent.length - 2000);
    }
  }).observe({ entryTypes: ['gc'] });

  const file = path.join(dir, `${process.pid}.json`);
  const write = (target, body) => {
    try {
      fs.writeFileSync(`${target}.tmp`, JSON.stringify(body));
      fs.renameSync(`${target}.tmp`, target);
    } catch {
      // the bench removed the directory: nothing to report to
    }
  };
  const snapshot = () => {
    const elu = performance.eventLoopUtilization();
    return { pid: process.pid, at: Date.now(), ...counts, elu: { idleMs: elu.idle, activeMs: elu.active }, gc, gcPauses: recent, memory: process.memoryUsage() };
  };
  setInterval(() => write(file, snapshot()), 500).unref();
  process.on('SIGUSR2', () => {
    if (typeof globalThis.gc === 'function') globalThis.gc();
    write(path.join(dir, `${process.pid}.gc.json`), { afterFullGc: typeof globalThis.gc === 'function', memory: process.memoryUsage() });
  });
}
