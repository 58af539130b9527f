"""Documents: figures and narratives turned into what people read. In: a figures dict, narratives and the
templates. Out: Markdown (Jinja2), DOCX (pandoc + reference.docx, finished with python-docx) and PDF
(pandoc's Typst writer + typst), charts drawn by Typst, a pack's XLSX annex."""
