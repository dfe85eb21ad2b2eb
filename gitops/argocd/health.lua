-- Argo CD health check for every kind of occi-operator (group occi.occi-operator.dev).
--
-- One script serves all kinds: they share the kstatus conditions Ready, Reconciling and
-- Stalled and status.observedGeneration. argocd-cm-patch.yaml repeats it once per kind;
-- regenerate that file with `python gitops/argocd/generate.py` after editing this one.
-- README.md has the mapping as a table.
--
-- Argo CD runs the script with the object as the global `obj` and, unless useOpenLibs is
-- set, only the base and table libraries: no `string` or `math` here, and numbers are
-- joined with `..` (integral numbers print without a decimal point in Argo's Lua 5.1).
--
-- Order of the rules:
--   1. deletionTimestamp set        -> Progressing "Deleting..."
--   2. no status, or observedGeneration (of the status or of a condition) older than
--      metadata.generation          -> Progressing "Waiting for the operator to observe..."
--   3. Stalled=True                 -> Degraded "<reason>: <message>"
--   4. Reconciling=True             -> Progressing "<reason>: <message>" (TransientError,
--      WaitingForDependency and Progressing all land here: the operator retries them)
--   5. Ready=True                   -> Healthy
--   6. anything else                -> Progressing

local hs = {}

local meta = obj.metadata or {}
local status = obj.status
local generation = tonumber(meta.generation)

local function condition(kind)
  if type(status) ~= "table" or type(status.conditions) ~= "table" then
    return nil
  end
  for _, c in ipairs(status.conditions) do
    if type(c) == "table" and c.type == kind then
      return c
    end
  end
  return nil
end

local function isTrue(c)
  return c ~= nil and c.status == "True"
end

local function present(text)
  return text ~= nil and text ~= ""
end

-- "<reason>: <message>", or whichever of the two is set.
local function describe(c)
  if present(c.reason) and present(c.message) then
    return c.reason .. ": " .. c.message
  end
  if present(c.message) then
    return c.message
  end
  if present(c.reason) then
    return c.reason
  end
  return ""
end

-- True when the condition was written for an older generation than the spec's.
local function stale(c)
  local observed = c ~= nil and tonumber(c.observedGeneration) or nil
  return observed ~= nil and generation ~= nil and observed < generation
end

local ready = condition("Ready")
local reconciling = condition("Reconciling")
local stalled = condition("Stalled")

-- 1. Deleting. (Argo CD itself reports "Pending deletion" before it runs any health
-- script; this rule keeps the script right on its own, e.g. for
-- `argocd admin settings resource-overrides health`.)
if meta.deletionTimestamp ~= nil then
  local detail = ""
  if isTrue(stalled) then
    detail = describe(stalled)
  elseif isTrue(reconciling) and present(reconciling.message) then
    detail = reconciling.message
  elseif type(meta.finalizers) == "table" and #meta.finalizers > 0 then
    detail = "waiting for finalizers " .. table.concat(meta.finalizers, ", ")
  end
  hs.status = "Progressing"
  hs.message = "Deleting"
  if detail ~= "" then
    hs.message = "Deleting: " .. detail
  end
  return hs
end

-- 2. Not observed yet: nothing in status describes the current spec.
local observed = type(status) == "table" and tonumber(status.observedGeneration) or nil
if observed == nil or observed < 0 or (generation ~= nil and observed < generation)
    or stale(ready) or stale(reconciling) or stale(stalled) then
  hs.status = "Progressing"
  if generation ~= nil then
    hs.message = "Waiting for the operator to observe generation " .. generation
  else
    hs.message = "Waiting for the operator to observe the object"
  end
  return hs
end

-- 3. Stalled: no progress without a human (invalid spec, refused credentials, a resource
-- in an error state).
if isTrue(stalled) then
  hs.status = "Degraded"
  hs.message = describe(stalled)
  if hs.message == "" and ready ~= nil then
    hs.message = describe(ready)
  end
  if hs.message == "" then
    hs.message = "Stalled"
  end
  return hs
end

-- 4. Work under way, including transient errors the operator retries by itself.
if isTrue(reconciling) then
  hs.status = "Progressing"
  hs.message = describe(reconciling)
  if hs.message == "" then
    hs.message = "Reconciling"
  end
  return hs
end

-- 5. Ready for the current generation.
if isTrue(ready) then
  hs.status = "Healthy"
  hs.message = ready.message or ""
  if present(status.state) then
    if hs.message ~= "" then
      hs.message = hs.message .. " "
    end
    hs.message = hs.message .. "(OCCI state: " .. status.state .. ")"
  end
  return hs
end

-- 6. Conditions missing, Unknown, or Ready=False without Reconciling or Stalled.
hs.status = "Progressing"
if ready ~= nil and describe(ready) ~= "" then
  hs.message = "Not ready: " .. describe(ready)
else
  hs.message = "Waiting for the Ready condition"
end
return hs
