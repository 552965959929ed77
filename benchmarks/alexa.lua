-- wrk script: POST Alexa request bodies from a pool file (one JSON body per line),
-- each thread walking the pool from its own starting point, and print a JSON
-- summary line for benchmarks/http_bench.py.
--
--   GLIMMERS_BENCH_POOL=bodies.txt wrk -t2 -c16 -d20s -s benchmarks/alexa.lua http://127.0.0.1:8080/alexa

local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end

local bodies = {}
local next_body = 0

function init(args)
  local path = os.getenv("GLIMMERS_BENCH_POOL")
  assert(path, "set GLIMMERS_BENCH_POOL to a file of request bodies, one per line")
  for line in io.lines(path) do
    if #line > 0 then bodies[#bodies + 1] = line end
  end
  assert(#bodies > 0, "the pool file holds no request bodies")
  -- Threads start far apart so that they send different users' requests.
  next_body = ((thread_number or 1) - 1) * math.floor(#bodies / 7) % #bodies
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  next_body = next_body % #bodies + 1
  return wrk.format(nil, nil, nil, bodies[next_body])
end

function done(summary, latency, requests)
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, ' ..
    '"connect_errors": %d, "read_errors": %d, "write_errors": %d, "status_errors": %d, "timeouts": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status,
    summary.errors.timeout))
end
