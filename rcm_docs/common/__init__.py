"""What every stage shares. In: a workspace folder (inputs/plan.yaml and the inputs tree). Out: the checked
Plan (vocabularies, dates, audiences), where each input lives, how numbers and dates are written
(fmt), and file writers that never leave half a file (files) or a spreadsheet cell that runs (sheets)."""
