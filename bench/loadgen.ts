import http from 'node:http';
import { performance } from 'node:perf_hooks';

/**
 * A closed-loop HTTP load generator, run as its own process so its CPU is not the server's:
 * `clients` concurrent keep-alive connections (node:http Agent, keepAlive), each sending its next
 * request as soon as the previous response is fully read, for `durationMs`. Paths are taken in
 * turn. Prints one JSON line: counts, statuses, latency percentiles. Loopback only; bounded in
 * time and in count (maxRequests).
 */

export interface LoadSpec {
  host: '127.0.0.1';
  port: number;
  paths: string[];
  headers: Record<string, string>;
  clients: number;
  durationMs: number;
  maxRequests: number;
  timeoutMs: number;
}

export interface LoadResult {
  clients: number;
  durationMs: number;
  requests: number;
  ok: number;
  nonOk: number;
  errors: number;
  statuses: Record<string, number>;
  errorSamples: string[];
  rps: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  /** 200 responses that did not carry an access_token (should be 0). */
  badBodies: number;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  if (spec.host !== '127.0.0.1') throw new Error('the load generator only targets 127.0.0.1');
  const agent = new http.Agent({ keepAlive: true, maxSockets: spec.clients, maxFreeSockets: spec.clients });
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const errorSamples: string[] = [];
  let errors = 0;
  let badBodies = 0;
  let next = 0;
  let issued = 0;
  const started = performance.now();
  const deadline = started + spec.durationMs;

  const once = (path: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(
        { host: spec.host, port: spec.port, path, method: 'GET', headers: spec.headers, agent, timeout: spec.timeoutMs },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => (body += d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`timeout after ${spec.timeoutMs} ms`)));
      req.on('error', reject);
      req.end();
    });

  const client = async () => {
    while (performance.now() < deadline && issued < spec.maxRequests) {
      issued++;
      const path = spec.paths[next++ % spec.paths.length]!;
      const t0 = performance.now();
      try {
        const { status, body } = await once(path);
        latencies.push(performance.now() - t0);
        statuses[status] = (statuses[status] ?? 0) + 1;
        if (status === 200 && !body.includes('"access_token"')) badBodies++;
        if (status !== 200 && errorSamples.length < 5) errorSamples.push(`${status}: ${body.slice(0, 200)}`);
      } catch (err) {
        errors++;
        if (errorSamples.length < 5) errorSamples.push((err as Error).message);
      }
    }
  };

  await Promise.all(Array.from({ length: spec.clients }, client));
  const elapsed = performance.now() - started;
  agent.destroy();
  const sorted = Float64Array.from(latencies).sort();
  const ok = statuses['200'] ?? 0;
  return {
    clients: spec.clients,
    durationMs: Math.round(elapsed),
    requests: latencies.length + errors,
    ok,
    nonOk: latencies.length - ok,
    errors,
    statuses,
    errorSamples,
    rps: latencies.length / (elapsed / 1000),
    latencyMs: {
      p50: percentile(sorted, 50),
      p90: percentile(sorted, 90),
      p99: percentile(sorted, 99),
      max: sorted.length ? sorted[sorted.length - 1]! : NaN,
      mean: latencies.reduce((a, b) => a + b, 0) / (latencies.length || 1),
    },
    badBodies,
  };
}

// As a child process: the spec is $BENCH_LOAD_SPEC (JSON), the result goes to stdout as one JSON line.
if (process.argv[1] && /loadgen\.[cm]?[jt]s$/.test(process.argv[1])) {
  const spec = JSON.parse(process.env.BENCH_LOAD_SPEC ?? '{}') as LoadSpec;
  // Orphaned (the bench died without killing us): stop at once rather than run out the clock.
  const parent = process.ppid;
  setInterval(() => process.ppid !== parent && process.exit(2), 500).unref();
  runLoad(spec).then(
    (result) => {
      process.stdout.write(`${JSON.stringify(result)}\n`);
      process.exit(0);
    },
    (err: unknown) => {
      process.stderr.write(`loadgen failed: ${(err as Error)?.stack ?? String(err)}\n`);
      process.exit(1);
    },
  );
}
