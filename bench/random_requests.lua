-- wrk script: each request is drawn at random from a request file (one per line:
-- METHOD <TAB> PATH <TAB> BODY, BODY may be empty). The file path comes from the
-- environment variable BENCH_REQUESTS (wrk passes no other arguments to every thread).
local reqs = {}

local function load(path)
  local f = assert(io.open(path, "r"))
  for line in f:lines() do
    local method, p, body = line:match("^([^\t]*)\t([^\t]*)\t?(.*)$")
    if method and p then
      local headers = { ["Accept"] = "application/fhir+json" }
      if body == "" then
        body = nil
      else
        headers["Content-Type"] = "application/fhir+json"
      end
      reqs[#reqs + 1] = wrk.format(method, p, headers, body)
    end
  end
  f:close()
end

function init(args)
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
  load(os.getenv("BENCH_REQUESTS"))
end

function request()
  return reqs[math.random(#reqs)]
end
