# Merge: the plan's accepted rows from every country -> build/plan.
from rcm_docs.steps import merge as merge_jobs


rule merge_plan:
    input:
        rows=expand("build/data/{country}.rows.csv", country=COUNTRIES),
        status=expand("build/data/{country}.status.json", country=COUNTRIES),
        plan="inputs/plan.yaml",
    output:
        csv="build/plan/plan_rows.csv",
        xlsx="build/plan/plan_rows.xlsx",
    log:
        "build/logs/merge_plan.log",
    threads: 1
    # First in line once the validations are done: at 50,000 rows its XLSX takes seconds, and started
    # last it was the cold build's tail, alone on one core.
    priority: 10
    resources:
        mem_mb=1500,
    params:
        code=CODE,
        incomplete=ALLOW_INCOMPLETE,
    run:
        workers.logged(log[0], merge_jobs.merge_plan, root=".", rows_csvs=list(input.rows),
                    status_jsons=list(input.status), out_csv=output.csv, out_xlsx=output.xlsx,
                    allow_incomplete=ALLOW_INCOMPLETE)
        lastgood.keep(output, log[0])  # the last good plan data, should a later run fail
