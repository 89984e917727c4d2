// The load generator of bench/http.ts, in its own process so that it does not share the servers' thread: runs
// autocannon once with the options given as JSON in argv[2] and prints its result as one JSON line.
import autocannon from 'autocannon';

const opts = JSON.parse(process.argv[2]) as autocannon.Options;
const result = await autocannon(opts);
console.log(
  JSON.stringify({
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    total: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  }),
);
