-- wrk script: POST /api/v1/enrolments/{eid}/lessons/{lesson}/complete over
-- many (token, enrolment, lesson) lines of the file named by TARGETS, round robin.
local targets = {}
local counter = 0

init = function(args)
  for line in io.lines(os.getenv("TARGETS")) do
    local tok, eid, lesson = line:match("(%S+) (%S+) (%S+)")
    targets[#targets + 1] = { tok, eid, lesson }
  end
  counter = math.random(#targets)
end

request = function()
  counter = counter % #targets + 1
  local t = targets[counter]
  return wrk.format("POST", "/api/v1/enrolments/" .. t[2] .. "/lessons/" .. t[3] .. "/complete",
    { ["Authorization"] = "Bearer " .. t[1] }, "")
end

local non204 = 0
response = function(status, headers, body)
  if status ~= 204 then non204 = non204 + 1 end
end
