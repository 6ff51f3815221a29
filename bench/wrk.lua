-- wrk script of the benchmark. WRK_MODE=get loads a page; WRK_MODE=bust loads
-- it with a query string of its own per request (?cb=<thread>-<n>), as a
-- cache-buster would; WRK_MODE=sign posts
-- the signing form as a browser does, each request with a new address
-- (bench.<run>.<thread>.<n>@example.org), so every POST is a distinct signer.
-- done() prints one line "WRK_JSON {...}" that bench/run.py reads.

local mode = os.getenv("WRK_MODE") or "get"
local run = os.getenv("WRK_RUN") or "0"
local origin = os.getenv("WRK_ORIGIN") or ""
-- The form's signed "shown at" token (already url-encoded), as the page gives
-- it: without it every signature would be stored as flagged and not counted.
local started = os.getenv("WRK_STARTED") or ""
local threads = {}

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
  sent = 0
  if mode == "sign" then
    wrk.method = "POST"
    wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
    -- What a browser sends with a same-site form post.
    wrk.headers["Origin"] = origin
    wrk.headers["Referer"] = origin .. wrk.path
    wrk.headers["Sec-Fetch-Site"] = "same-origin"
  end
end

function request()
  if mode == "get" then
    return wrk.format()
  end
  sent = sent + 1
  if mode == "bust" then
    return wrk.format(nil, wrk.path .. "?cb=" .. tid .. "-" .. sent)
  end
  local body = "name=Bench+Signer&email=bench." .. run .. "." .. tid .. "." .. sent ..
    "%40example.org&postal_code=78205&country=US&comment=Signed+under+load&public=on" ..
    "&website=&started=" .. started
  return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local codes, total_sent = {}, 0
  for _, thread in ipairs(threads) do
    for code, n in pairs(thread:get("statuses")) do
      codes[code] = (codes[code] or 0) + n
    end
    total_sent = total_sent + (thread:get("sent") or 0)
  end
  local parts = {}
  for code, n in pairs(codes) do
    table.insert(parts, string.format('"%d": %d', code, n))
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, ' ..
    '"sent": %d, "statuses": {%s}, "errors": {"connect": %d, "read": %d, "write": %d, ' ..
    '"status": %d, "timeout": %d}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    total_sent, table.concat(parts, ", "), e.connect, e.read, e.write, e.status, e.timeout))
end
