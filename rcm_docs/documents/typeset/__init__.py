"""Typesetting: the one sandboxed pandoc per process (pandoc.py, pandoc_server.lua), the build's warm Typst
compiler (compiler.py), and Markdown -> PDF through pandoc's Typst writer (pdf.py)."""
