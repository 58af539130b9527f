"""Word: Markdown -> DOCX with the house reference document (reference.py), then what pandoc cannot do
(finish.py: running header, captions, charts, kept tables, contents, landscape annexes), the at-a-glance page
laid out as in the PDF (glance.py) and the house font embedded (fonts.py)."""
