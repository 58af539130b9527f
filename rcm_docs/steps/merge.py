"""The merge step: the plan's accepted rows from every country, as CSV and XLSX, each row with its source."""
from __future__ import annotations

import json
from pathlib import Path

from ..common.plan import workspace_plan
from .shared import gate


def merge_plan(*, root, rows_csvs: list, status_jsons: list, out_csv, out_xlsx, allow_incomplete: bool = False) -> None:
    """The plan's merged rows, every row with its source file, sheet and row, as CSV and XLSX."""
    from ..common.sheets import write_xlsx
    from ..model.merge import merge, read_rows_csv, write_rows_csv

    plan = workspace_plan(root)
    statuses = [json.loads(Path(p).read_text(encoding="utf-8")) for p in status_jsons]
    gate(statuses, allow_incomplete, "The merged plan data")
    rows = merge([read_rows_csv(p) for p in rows_csvs], plan)
    write_rows_csv(rows, out_csv)
    write_xlsx({"plan_rows": rows}, out_xlsx, plan.epoch)
