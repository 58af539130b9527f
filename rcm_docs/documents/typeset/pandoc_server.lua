-- One long-lived pandoc answering the build's conversions: `pandoc lua pandoc_server.lua`.
-- A fresh pandoc per document pays process start-up and heap set-up twice per document (DOCX and
-- Typst); in one process the 42 documents of the example plan convert in a quarter of the time.
--
-- Protocol: one JSON request per line on stdin, one JSON reply per line on stdout.
--   request: {"md": text, "from": reader, "to": "docx"|"typst", "out": path (docx),
--             "reference_doc": path, "number_sections": bool, "template": path, "variables": {...}}
--   reply:   {"text": typst source} | {"ok": true} (docx written to out) | {"error": message}
-- End of input ends the process, so it never outlives the build step that started it.

local json = require 'pandoc.json'

local templates = {}

local function template(path)
  local f = assert(io.open(path, 'r'))
  local text = f:read('a')
  f:close()
  if not templates[text] then
    templates[text] = pandoc.template.compile(text, path)
  end
  return templates[text]
end

-- pandoc's Typst writer pastes attributes named typst:* (and typst-label) into the source as code:
-- from a narrative, `[x]{typst:text:fill="panic()"}` would run. Documents never need them. Markdown
-- gives attributes to spans, divs, headings, code, links and tables (by their caption), not to cells.
-- Elements without one are left alone (nil): handing each back to pandoc would cost a third of the
-- conversion time.
local function typst_free(el)
  local kept, found = {}, false
  for key, value in pairs(el.attributes) do
    if key:match('^typst') then found = true else kept[key] = value end
  end
  if found then
    el.attributes = kept
    return el
  end
end

-- How many elements carry each identifier: a link to '#id' works only if exactly one does (Typst
-- refuses a link to a label that is missing or used twice).
local function identifiers(doc)
  local count = {}
  local function note(el)
    local id = el.identifier
    if id and id ~= '' then count[id] = (count[id] or 0) + 1 end
  end
  doc:walk { Inline = note, Block = note }
  return count
end

-- Like `--sandbox`: the reader touches no file, and no image is fetched into a document. Charts are
-- placed by rcm-docs itself, so an image here can only come from a narrative: its description stays.
-- A link stays a link only to the web, to mail, or to a heading of the document; one to a file, a
-- script or data (file:, javascript:, data:, a path) would run or open on the reader's machine: its
-- text stays.
local function sandboxed(doc, md)
  local ids  -- counted at the first link to an anchor: most documents have none
  -- An attribute key is the text's own characters, with no escapes: where 'typst' is nowhere in the
  -- text there is none to remove, and this walk was a quarter of a chapter's conversion.
  if md:find('typst', 1, true) then
    doc = doc:walk { Span = typst_free, Div = typst_free, Header = typst_free, Code = typst_free,
                     CodeBlock = typst_free, Table = typst_free }
  end
  -- Every link, image and figure is written with '[' (or '<', an autolink): a text with neither has none.
  -- The charts are taken out before pandoc, so most documents have neither.
  if not (md:find('[', 1, true) or md:find('<', 1, true)) then
    return doc
  end
  return doc:walk {
    Link = function (link)
      local target = link.target:lower()
      local anchor = link.target:match('^#(.+)$')
      if anchor then ids = ids or identifiers(doc) end
      if target:match('^https?://.') or target:match('^mailto:.') or (anchor and ids[anchor] == 1) then
        return typst_free(link)
      end
      return link.content
    end,
    Image = function (img) return img.caption end,
    -- A standalone image was a figure: without the image it is just its caption, as a paragraph
    -- (left as a figure, the DOCX writer would make it a one-cell table).
    Figure = function (fig)
      local text = pandoc.utils.blocks_to_inlines(fig.caption.long)
      if #text == 0 then text = pandoc.utils.blocks_to_inlines(fig.content) end
      return pandoc.Para(text)
    end,
  }
end

-- A document is asked for twice in a row, as DOCX and as Typst, from the same Markdown: reading it
-- (the reader backtracks) is half of each conversion, so the last one read is kept for the next.
local last = { md = nil, from = nil, doc = nil }

local function read(md, from)
  if last.md ~= md or last.from ~= from then
    last = { md = md, from = from, doc = sandboxed(pandoc.read(md, from, {}, {}), md) }
  end
  return last.doc
end

local function convert(req)
  local doc = read(req.md, req.from)
  if req.to == 'docx' then
    local bytes = pandoc.write(doc, 'docx', {
      reference_doc = req.reference_doc,
      number_sections = req.number_sections or false,
    })
    local f = assert(io.open(req.out, 'wb'))
    f:write(bytes)
    f:close()
    return { ok = true }
  end
  local opts = { variables = req.variables or {} }
  if req.template then
    opts.template = template(req.template)
  end
  return { text = pandoc.write(doc, req.to, opts) }
end

for line in io.lines() do
  local ok, reply = pcall(function () return convert(json.decode(line, false)) end)
  if not ok then
    reply = { error = tostring(reply) }
  end
  io.stdout:write(json.encode(reply), '\n')
  io.stdout:flush()
end
