-- Requests for wrk, and the figures it prints at the end as one JSON line.
--   wrk ... -s load.lua URL -- get COOKIE            the same GET with a signed-in session cookie
--   wrk ... -s load.lua URL -- post FILE THREADS     POSTs read from FILE, one a line: path TAB cookie TAB body;
--                                                    each thread sends its own share of the lines, in turn

local counter = 0
local threads = {}

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

local posts = {}
local position = 1

function init(args)
  wrk.headers["User-Agent"] = "course-bench" -- as load.py signs in with
  if args[1] == "get" then
    wrk.headers["Cookie"] = args[2]
    return
  end
  local share, n = tonumber(args[3]), 0
  for line in io.lines(args[2]) do
    if n % share == id then
      local path, cookie, body = line:match("^([^\t]*)\t([^\t]*)\t(.*)$")
      table.insert(posts, { path = path, cookie = cookie, body = body })
    end
    n = n + 1
  end
end

function request()
  if #posts == 0 then
    return wrk.format()
  end
  local post = posts[position]
  position = position % #posts + 1
  local headers = {
    Cookie = post.cookie,
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["User-Agent"] = "course-bench",
  }
  return wrk.format("POST", post.path, headers, post.body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "bytes": %d, "connect_errors": %d, "read_errors": %d, '
      .. '"write_errors": %d, "status_errors": %d, "timeouts": %d, '
      .. '"p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max
  ))
end
