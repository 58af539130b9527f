"""Intake: what sector leads and partners drop into inputs/, read safely and checked against the contract.
In: submissions, funding files, progress reports, registries, narratives (CSV, Excel, Markdown). Out: typed
rows with their source file, sheet and row; every problem in the submitter's own terms (file, sheet, row,
column, value, what is wrong, how to fix it); reports, annotated copies and the Excel template."""
