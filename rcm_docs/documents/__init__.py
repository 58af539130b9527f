"""Documents: figures and narratives turned into what people read. In: a figures dict, narratives and the
templates. Out: Markdown (Jinja2), DOCX (pandoc + reference.docx, finished with python-docx) and PDF
(pandoc's Typst writer + typst), charts drawn by Typst, a pack's XLSX annex.

compose.py makes one document from render.py's Markdown; pictures/ draws its charts and maps, typeset/ turns
the Markdown into PDF (pandoc and Typst), word/ into a finished DOCX."""
