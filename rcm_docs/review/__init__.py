"""Review: what changed between two drafts. In: two build folders (or two DOCX). Out: figures and
submission rows that moved, Word redlines with tracked changes, and the review page (index.html)."""
