"""The gate every workspace file passes before a parser sees it: inside the workspace (no link out of it),
under its size limit, a zip and its XML without bombs or external references, text decoded by what its bytes
prove, and a workbook's sheets bounded before calamine allocates them. Out: the bytes, or UnsafeFile naming
the file and what to do."""
