"""Intake: what sector leads and partners drop into inputs/, read safely and checked against the contract.
In: submissions, funding files, progress reports, registries, narratives (CSV, Excel, Markdown). Out: typed
rows with their source file, sheet and row; every problem in the submitter's own terms (file, sheet, row,
column, value, what is wrong, how to fix it); reports, annotated copies and the Excel template.

Three rooms, in the order a file passes them:
- files/: the gate every file passes before a parser sees it (containment, size, zip and XML structure,
  text encoding, the sheets' used range).
- tables/: a submission table: reading it, the data contract, its checks, numbers in the submitter's
  locale, validation, reports, annotated copies and the Excel template.
- readers/: every other input, each read with the tables' checks (funding, progress, preparedness,
  narratives and key messages, registries, places, the planning framework)."""
