-- wrk script: a stateful CRUD mix on bench.yaml's pets, in turn per connection thread:
-- create (POST /pets), read (GET /pets/{newest}), update (PUT /pets/{newest}),
-- list (GET /pets?tag=dog&limit=20), delete (DELETE /pets/{oldest}).
-- Ids are read from the 201 answers; a delete waits (a create is sent instead) until more
-- pets are known than connections are open, so no request names a pet another deletes.
-- done() prints the requests sent per kind and the unexpected answers (status >= 300).

local pet = '{"name":"Rex","tag":"dog","weight":12.5,"owner":{"name":"Ann","email":"ann@example.com"}}'
local renamed = '{"name":"Max","tag":"dog","weight":13,"owner":{"name":"Ann","email":"ann@example.com"}}'
local kinds = { "create", "read", "update", "list", "delete" }
local keep = tonumber(os.getenv("CRUD_KEEP") or "64")

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  ids = {}
  first, last = 1, 0
  step = 0
  sent = { create = 0, read = 0, update = 0, list = 0, delete = 0 }
  unexpected = 0
  headers = { ["Content-Type"] = "application/json", ["Accept"] = "application/json" }
end

function request()
  step = step + 1
  local kind = kinds[(step - 1) % #kinds + 1]
  local known = last - first + 1
  if (kind == "read" or kind == "update") and known < 1 then
    kind = "create"
  elseif kind == "delete" and known <= keep then
    kind = "create"
  end
  sent[kind] = sent[kind] + 1
  if kind == "create" then
    return wrk.format("POST", "/pets", headers, pet)
  elseif kind == "read" then
    return wrk.format("GET", "/pets/" .. ids[last], headers)
  elseif kind == "update" then
    return wrk.format("PUT", "/pets/" .. ids[last], headers, renamed)
  elseif kind == "list" then
    return wrk.format("GET", "/pets?tag=dog&limit=20", headers)
  end
  local id = ids[first]
  ids[first] = nil
  first = first + 1
  return wrk.format("DELETE", "/pets/" .. id, headers)
end

function response(status, headers, body)
  if status >= 300 then
    unexpected = unexpected + 1
  end
  if status == 201 then
    local id = body:match('"id":%s*(%d+)')
    if id then
      last = last + 1
      ids[last] = id
    end
  end
end

function done(summary, latency, requests)
  local totals = { create = 0, read = 0, update = 0, list = 0, delete = 0 }
  local bad = 0
  for _, thread in ipairs(threads) do
    local counted = thread:get("sent")
    for kind, count in pairs(counted) do
      totals[kind] = totals[kind] + count
    end
    bad = bad + thread:get("unexpected")
  end
  io.write(string.format("KINDS create=%d read=%d update=%d list=%d delete=%d\n",
    totals.create, totals.read, totals.update, totals.list, totals.delete))
  io.write(string.format("UNEXPECTED %d\n", bad))
end
