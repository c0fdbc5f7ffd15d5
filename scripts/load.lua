-- wrk script for scripts/load.sh: each request draws a URL of one class
-- (CLASS: list, story or search) from the stories and names that load.sh
-- wrote to $LOAD_DATA, so the answer cache does not answer everything. DRAW=zipf (default) draws item i with a weight of about 1/i,
-- as readers favour a few stories and queries; DRAW=uniform draws evenly.
-- Seeded per thread: the same run draws the same URLs.

local data = dofile(os.getenv("LOAD_DATA"))
local class = os.getenv("CLASS") or "story"
local uniform = os.getenv("DRAW") == "uniform"
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("seed", threads)
end

function init(args)
  math.randomseed(1000 + (seed or 0))
end

-- An index into a list of n items.
local function pick(n)
  if uniform then return math.random(n) end
  return math.min(n, math.floor(n ^ math.random()))
end

local function word()
  return data.names[pick(#data.names)]
end

-- One name, or two (both must match).
local function query()
  if math.random() < 0.6 then return word() end
  return word() .. "+" .. word()
end

local sorts = { "newest", "oldest", "largest" }

local function list_url()
  local base = (math.random() < 0.5) and "/" or "/api/stories"
  local r = math.random()
  if r < 0.75 then
    local offset = 20 * (math.random(math.max(1, math.ceil(#data.stories / 20))) - 1)
    return base .. "?sort=" .. sorts[math.random(3)] .. "&offset=" .. offset
  end
  -- Stories filtered by words: a full-text query behind a list.
  return base .. "?q=" .. word()
end

local function story_url()
  local id = data.stories[pick(#data.stories)]
  local r = math.random()
  if r < 0.35 then return "/stories/" .. id end
  if r < 0.7 then return "/api/stories/" .. id end
  local offset = 50 * (math.random(4) - 1)
  if r < 0.8 then return "/stories/" .. id .. "/sources?offset=" .. offset end
  if r < 0.9 then return "/api/stories/" .. id .. "/quotes?limit=50&offset=" .. offset end
  return "/api/stories/" .. id .. "/sources?limit=50&offset=" .. offset
end

local function search_url()
  local base = (math.random() < 0.5) and "/search" or "/api/search"
  local offset = (math.random() < 0.8) and 0 or 20
  return base .. "?q=" .. query() .. "&offset=" .. offset
end

local make = ({ list = list_url, story = story_url, search = search_url })[class]

function request()
  return wrk.format("GET", make())
end

-- Non-2xx answers are counted by wrk ("Non-2xx or 3xx responses").
