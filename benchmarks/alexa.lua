-- wrk script: POST Alexa request bodies from a pool file (one JSON body per line),
-- each thread walking the pool from its own starting point, and print a JSON
-- summary line for benchmarks/http_bench.py (with the latency at every 0.1%,
-- so that several wrk processes driving several instances at once can be merged).
--
--   GLIMMERS_BENCH_POOL=bodies.txt GLIMMERS_BENCH_RUN=r1 wrk -t2 -c16 -d20s -s benchmarks/alexa.lua http://127.0.0.1:8080/alexa

local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end

-- Every request ID in the pool ends in the mark "@run@", which is replaced by a
-- token unique to this wrk process (GLIMMERS_BENCH_RUN), thread and request:
-- the skill saves a request delivered twice only once, so a pool sent again
-- must not repeat its request IDs.

local MARK = "@run@"
local heads, tails = {}, {}
local next_body = 0
local sent = 0
local token = ""

function init(args)
  local path = os.getenv("GLIMMERS_BENCH_POOL")
  assert(path, "set GLIMMERS_BENCH_POOL to a file of request bodies, one per line")
  for line in io.lines(path) do
    if #line > 0 then
      local at = string.find(line, MARK, 1, true)
      if at then
        heads[#heads + 1] = string.sub(line, 1, at - 1)
        tails[#tails + 1] = string.sub(line, at + #MARK)
      else
        heads[#heads + 1] = line
        tails[#tails + 1] = false
      end
    end
  end
  assert(#heads > 0, "the pool file holds no request bodies")
  -- Threads start far apart so that they send different users' requests.
  next_body = ((thread_number or 1) - 1) * math.floor(#heads / 7) % #heads
  token = (os.getenv("GLIMMERS_BENCH_RUN") or "run") .. "t" .. (thread_number or 1) .. "n"
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  next_body = next_body % #heads + 1
  local tail = tails[next_body]
  if not tail then
    return wrk.format(nil, nil, nil, heads[next_body])
  end
  sent = sent + 1
  return wrk.format(nil, nil, nil, heads[next_body] .. token .. sent .. tail)
end

function done(summary, latency, requests)
  -- The latency at every 0.1%, so that the runs of several wrk processes at once can be merged.
  local quantiles = {}
  for i = 1, 1000 do
    quantiles[i] = string.format("%d", latency:percentile(i / 10))
  end
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, ' ..
    '"connect_errors": %d, "read_errors": %d, "write_errors": %d, "status_errors": %d, "timeouts": %d, ' ..
    '"quantiles_us": [%s]}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status,
    summary.errors.timeout, table.concat(quantiles, ", ")))
end
